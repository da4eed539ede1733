/**
 * One arena in the kernel's linear memory: a bump allocator reset per call, grown in
 * 64 KiB pages. Views are made after all of a call's regions are placed, because growing
 * memory detaches every earlier view; a caller's views stay valid until the next reset.
 */
const PAGE = 65536;

export class WasmArena {
  private top: number;
  private readonly base: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.base = align(heapBase);
    this.top = this.base;
  }

  /** Forgets every region: the next call starts at the base again. */
  reset(): void {
    this.top = this.base;
  }

  /** Places `bytes` (16-aligned, so f64 and v128 loads are aligned) and grows memory to fit. */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = align(ptr + Math.max(0, bytes));
    const have = this.memory.buffer.byteLength;
    if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
    return ptr;
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  /** Bytes of linear memory now (grows, never shrinks). */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }
}

function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}
