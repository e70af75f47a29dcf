// Typed arrays for one target's work come from large shared blocks: each typed array of its own
// is a separate allocation outside the heap, which costs more than the little work done with it.

const BLOCK = 1 << 16;
let block = new Int32Array(BLOCK);
let used = 0;

/** A zeroed Int32Array of `size` elements, viewing a block that no other view shares. */
export function int32(size: number): Int32Array {
  if (used + size > block.length) {
    block = new Int32Array(Math.max(BLOCK, size));
    used = 0;
  }
  const view = block.subarray(used, used + size);
  used += size;
  return view;
}
