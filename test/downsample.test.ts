import { test } from "node:test";
import assert from "node:assert/strict";
import { pickDownsampleIndices } from "../lib/analysis/downsample";

test("pickDownsampleIndices keeps extremes, first and last, within the limit", () => {
  const y = new Float64Array(100_000);
  for (let i = 0; i < y.length; i++) y[i] = Math.sin(i / 1000);
  y[54_321] = 50;
  y[77_777] = -50;
  const keep = pickDownsampleIndices(y, 5000);
  assert.ok(keep.length <= 5000);
  assert.equal(keep[0], 0);
  assert.equal(keep[keep.length - 1], y.length - 1);
  assert.ok(keep.includes(54_321) && keep.includes(77_777));
  for (let i = 1; i < keep.length; i++) assert.ok(keep[i] > keep[i - 1]);
  assert.equal(pickDownsampleIndices([1, 2, 3], 5000).length, 3);
});
