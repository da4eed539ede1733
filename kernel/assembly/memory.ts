// The one explicit bounds check each exported function makes before its unchecked loops.

/** Whether [ptr, ptr + bytes) lies inside linear memory. */
export function fits(ptr: usize, bytes: usize): bool {
  return <u64>ptr + <u64>bytes <= <u64>memory.size() << 16;
}

/** Start of the host's arena: first 16-aligned byte after static data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
