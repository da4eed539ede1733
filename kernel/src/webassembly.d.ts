/**
 * The slice of the WebAssembly JS API the kernel host uses. tsconfig's lib is ES2023
 * without DOM, which leaves these globals (present in Node) untyped.
 */
declare global {
  namespace WebAssembly {
    interface Memory {
      readonly buffer: ArrayBuffer;
      grow(deltaPages: number): number;
    }
    interface Module {}
    interface Instance {
      readonly exports: Record<string, unknown>;
    }
    type Imports = Record<string, Record<string, unknown>>;
    var Memory: { new (descriptor: { initial: number; maximum?: number }): Memory };
    var Module: { new (bytes: Uint8Array): Module };
    var Instance: { new (module: Module, imports?: Imports): Instance };
  }
}

export {};
