// The writer process, built into out/test/stress as well, so that the stress suite runs on its own
// (`node scripts/build.mjs --only=stress`).
import '../reliability/writer-child';
