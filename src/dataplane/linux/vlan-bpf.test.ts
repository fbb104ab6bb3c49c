// The VLAN classifiers' bytes: valid ids only, instructions of 8 bytes, and an ELF object for
// EM_BPF with the program in `classifier` (that tc loads and the kernel runs them is the
// segments system test's to show).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bpfObject, vlanProgram } from './vlan-bpf.js';

test('VLAN ids outside 1..4094 are refused', () => {
  for (const vid of [0, 4095, 1.5, -1]) assert.throws(() => vlanProgram('push', vid), /invalid VLAN id/);
});

test('each program ends in exit, every jump lands inside it', () => {
  for (const kind of ['push', 'pop'] as const) {
    const code = vlanProgram(kind, 123);
    assert.equal(code.length % 8, 0);
    const n = code.length / 8;
    assert.equal(code[(n - 1) * 8], 0x95, 'last instruction is exit');
    for (let i = 0; i < n; i++) {
      const op = code[i * 8]!;
      if ((op & 0x07) === 0x05 && op !== 0x85 && op !== 0x95) {
        const target = i + 1 + code.readInt16LE(i * 8 + 2);
        assert.ok(target > i && target < n, `${kind}: jump at ${i} lands at ${target}`);
      }
    }
  }
});

test('the object is an ELF64 relocatable for BPF with a classifier section and its symbol', () => {
  const code = vlanProgram('pop', 7);
  const elf = bpfObject(code);
  assert.deepEqual([...elf.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
  assert.equal(elf.readUInt16LE(18), 247, 'EM_BPF');
  const shoff = Number(elf.readBigUInt64LE(40));
  const shnum = elf.readUInt16LE(60);
  const shstr = shoff + 64 * elf.readUInt16LE(62);
  const strOff = Number(elf.readBigUInt64LE(shstr + 24));
  const names = Array.from({ length: shnum }, (_, i) => {
    const at = strOff + elf.readUInt32LE(shoff + 64 * i);
    return elf.toString('latin1', at, elf.indexOf(0, at));
  });
  assert.deepEqual(names, ['', 'classifier', 'license', '.symtab', '.strtab', '.shstrtab']);
  const progOff = Number(elf.readBigUInt64LE(shoff + 64 + 24));
  assert.deepEqual(elf.subarray(progOff, progOff + code.length), code);
});
