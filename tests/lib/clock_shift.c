/* clock_shift.so: moves the wall clock of a process by COFFER_CLOCK_SHIFT_S seconds, for
 * black-box tests of expiry (temporary credentials) without waiting. LD_PRELOAD it into the
 * server and into the client that signs (SigV4 refuses a request more than 5 minutes away from
 * the server's clock). Only CLOCK_REALTIME(_COARSE), gettimeofday and time move; monotonic
 * clocks do not. Test-only: built by the test that uses it (tests/clients/python/test_expiry.py). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long shift_s(void) {
  const char* s = getenv("COFFER_CLOCK_SHIFT_S");
  return s ? strtol(s, 0, 10) : 0;
}

int clock_gettime(clockid_t id, struct timespec* tp) {
  static int (*real)(clockid_t, struct timespec*);
  if (!real) real = (int (*)(clockid_t, struct timespec*))dlsym(RTLD_NEXT, "clock_gettime");
  int rc = real(id, tp);
  if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) tp->tv_sec += shift_s();
  return rc;
}

int gettimeofday(struct timeval* tv, void* tz) {
  static int (*real)(struct timeval*, void*);
  if (!real) real = (int (*)(struct timeval*, void*))dlsym(RTLD_NEXT, "gettimeofday");
  int rc = real(tv, tz);
  if (rc == 0 && tv) tv->tv_sec += shift_s();
  return rc;
}

time_t time(time_t* t) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (t) *t = ts.tv_sec;
  return ts.tv_sec;
}
