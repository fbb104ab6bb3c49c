// 802.1Q tagging without the kernel's 8021q module: two tiny eBPF classifiers for tc, assembled
// here and wrapped in the smallest ELF object tc's loader accepts (one program, its symbol, a
// license). `push` tags every frame with the VLAN id; `pop` lets through only frames tagged with
// it, untagged. Plain bytes, no compiler: each program is a handful of instructions.

/** The two programs a VLAN needs; see the header. */
export type VlanProgram = 'push' | 'pop';

const TC_ACT_OK = 0;
const TC_ACT_SHOT = 2;
const BPF_FUNC_skb_vlan_push = 18;
const BPF_FUNC_skb_vlan_pop = 19;
// struct __sk_buff offsets (linux/bpf.h, stable UAPI).
const SKB_VLAN_PRESENT = 20;
const SKB_VLAN_TCI = 24;
/** htons(ETH_P_8021Q), as the helper takes it. */
const ETH_P_8021Q_BE = 0x0081;

/** One eBPF instruction: opcode, registers, offset, immediate. */
function insn(code: number, dst: number, src: number, off: number, imm: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(code, 0);
  b.writeUInt8((src << 4) | dst, 1);
  b.writeInt16LE(off, 2);
  b.writeInt32LE(imm, 4);
  return b;
}

// The opcodes used (class | size/op | source).
const MOV64_IMM = 0xb7;
const AND64_IMM = 0x57;
const LDXW = 0x61;
const JEQ_IMM = 0x15;
const JNE_IMM = 0x55;
const CALL = 0x85;
const EXIT = 0x95;

/** The program's instructions; r1 holds the skb on entry. Jump offsets count instructions after the jump. */
export function vlanProgram(kind: VlanProgram, vid: number): Buffer {
  if (!Number.isInteger(vid) || vid < 1 || vid > 4094) throw new Error(`invalid VLAN id ${vid}`);
  const drop = [insn(MOV64_IMM, 0, 0, 0, TC_ACT_SHOT), insn(EXIT, 0, 0, 0, 0)];
  const pass = [insn(MOV64_IMM, 0, 0, 0, TC_ACT_OK), insn(EXIT, 0, 0, 0, 0)];
  if (kind === 'push') {
    return Buffer.concat([
      insn(MOV64_IMM, 2, 0, 0, ETH_P_8021Q_BE),
      insn(MOV64_IMM, 3, 0, 0, vid),
      insn(CALL, 0, 0, 0, BPF_FUNC_skb_vlan_push), // r0 = bpf_skb_vlan_push(skb, proto, vid)
      insn(JNE_IMM, 0, 0, 2, 0), // failed: drop
      ...pass, ...drop,
    ]);
  }
  return Buffer.concat([
    insn(LDXW, 2, 1, SKB_VLAN_PRESENT, 0),
    insn(JEQ_IMM, 2, 0, 7, 0), // untagged: drop
    insn(LDXW, 2, 1, SKB_VLAN_TCI, 0),
    insn(AND64_IMM, 2, 0, 0, 0x0fff),
    insn(JNE_IMM, 2, 0, 4, vid), // another VLAN: drop
    insn(CALL, 0, 0, 0, BPF_FUNC_skb_vlan_pop), // r0 = bpf_skb_vlan_pop(skb)
    insn(JNE_IMM, 0, 0, 2, 0), // failed: drop
    ...pass, ...drop,
  ]);
}

/**
 * An ELF64 relocatable object for EM_BPF holding `code` in section `classifier` (libbpf's name
 * for a tc program) with a global function symbol, and a GPL license section.
 */
export function bpfObject(code: Buffer, name = 'pier_vlan'): Buffer {
  const strtab = Buffer.from(`\0${name}\0`);
  const shstrNames = ['', 'classifier', 'license', '.symtab', '.strtab', '.shstrtab'];
  const shstrOffsets: number[] = [];
  let shstrLen = 0;
  for (const n of shstrNames) { shstrOffsets.push(shstrLen); shstrLen += n.length + 1; }
  const shstrtab = Buffer.from(shstrNames.map((n) => `${n}\0`).join(''));
  const license = Buffer.from('GPL\0');
  const symtab = Buffer.alloc(48); // the null symbol, then the program's
  symtab.writeUInt32LE(1, 24); // st_name: offset in .strtab
  symtab.writeUInt8(0x12, 28); // STB_GLOBAL << 4 | STT_FUNC
  symtab.writeUInt16LE(1, 30); // st_shndx: classifier
  symtab.writeBigUInt64LE(BigInt(code.length), 40); // st_size

  // Layout: header, then each section's bytes (8-aligned), then the section headers.
  const parts: Buffer[] = [];
  let offset = 64;
  const place = (b: Buffer) => {
    const pad = (8 - (offset % 8)) % 8;
    if (pad) { parts.push(Buffer.alloc(pad)); offset += pad; }
    const at = offset;
    parts.push(b);
    offset += b.length;
    return at;
  };
  const at = { code: place(code), license: place(license), symtab: place(symtab), strtab: place(strtab), shstrtab: place(shstrtab) };
  const pad = (8 - (offset % 8)) % 8;
  if (pad) { parts.push(Buffer.alloc(pad)); offset += pad; }
  const shoff = offset;

  const section = (nameIdx: number, type: number, flags: number, off: number, size: number, link = 0, info = 0, align = 1, entsize = 0) => {
    const s = Buffer.alloc(64);
    s.writeUInt32LE(shstrOffsets[nameIdx]!, 0);
    s.writeUInt32LE(type, 4);
    s.writeBigUInt64LE(BigInt(flags), 8);
    s.writeBigUInt64LE(BigInt(off), 24);
    s.writeBigUInt64LE(BigInt(size), 32);
    s.writeUInt32LE(link, 40);
    s.writeUInt32LE(info, 44);
    s.writeBigUInt64LE(BigInt(align), 48);
    s.writeBigUInt64LE(BigInt(entsize), 56);
    return s;
  };
  const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
  const headers = [
    Buffer.alloc(64),
    section(1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, at.code, code.length, 0, 0, 8),
    section(2, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, at.license, license.length),
    section(3, SHT_SYMTAB, 0, at.symtab, symtab.length, 4, 1, 8, 24),
    section(4, SHT_STRTAB, 0, at.strtab, strtab.length),
    section(5, SHT_STRTAB, 0, at.shstrtab, shstrtab.length),
  ];

  const elf = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf, 0); // ELF, 64-bit, little-endian, version 1
  elf.writeUInt16LE(1, 16); // ET_REL
  elf.writeUInt16LE(247, 18); // EM_BPF
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(BigInt(shoff), 40);
  elf.writeUInt16LE(64, 52); // e_ehsize
  elf.writeUInt16LE(64, 58); // e_shentsize
  elf.writeUInt16LE(headers.length, 60);
  elf.writeUInt16LE(5, 62); // e_shstrndx
  return Buffer.concat([elf, ...parts, ...headers]);
}
