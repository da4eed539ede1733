// The bench's ceiling: reads the stage-1 time and value bytes once and sums them, the
// least work any stage-1 kernel over the same input can do. Memory is imported from the
// kernel module so both read the very same bytes.

export function sumInputs(timeS: usize, value: usize, n: i32): f64 {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const p = <usize>i << 3;
    a = f64x2.add(a, v128.load(timeS + p));
    b = f64x2.add(b, v128.load(value + p));
  }
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1) + f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
  if (i < n) s += load<f64>(timeS + (<usize>i << 3)) + load<f64>(value + (<usize>i << 3));
  return s;
}
