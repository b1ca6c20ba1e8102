// The KMS key pages of the console, as app.js routes them: the keys list
// (#/keys, keys_list.js), Create key (#/keys/new, keys_create.js) and a
// key's page (#/key/<id>, keys_page.js). Shared pieces: keys_common.js.
export { renderKeyList } from './keys_list.js';
export { renderCreateKey } from './keys_create.js';
export { renderKey } from './keys_page.js';
