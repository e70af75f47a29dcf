// The same runner as the integration suite, for the tests in this folder.
export { run } from '../integration/index';
