'use strict';
// The classic listing made from mountinfo's bytes (lib/listing-bytes.ts): the lines util-linux
// prints, byte for byte, whichever way a line is made (the byte path, or Listing from its text),
// however the input is cut into chunks; and the chunked, read-ahead mountinfo reader beneath it.
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ByteListing } = require('../../dist/lib/listing-bytes');
const { Listing, listedLine } = require('../../dist/lib/list');
const { mountinfoAhead, mountinfoChunks } = require('../../dist/lib/mount-table');
const { encodeBytes, decodeBytes } = require('../../dist/sys/bytes');

/**
 * The listing of `input` (bytes) handed over in chunks of whole lines, cut after `cuts`.
 * @param {Buffer} input
 * @param {{ utab?: import('../../dist/tables/utab').UtabEntry[], types?: string, cuts?: number[] }} [opts]
 */
function listBytes(input, { utab = [], types = undefined, cuts = [] } = {}) {
  const got = [];
  const l = new ByteListing(utab, types, undefined, (b) => got.push(Buffer.from(b)));
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    // whole lines only, as mountinfoAhead hands them over
    const end = cut >= input.length ? input.length : input.indexOf(10, cut) + 1;
    if (end > from) l.add(input.subarray(from, end));
    from = Math.max(from, end);
  }
  l.finish();
  return Buffer.concat(got);
}

const list = (text, opts) => listBytes(Buffer.from(text, 'latin1'), opts).toString('latin1');

test('a plain line: source on target type fstype (rw|ro, mount options, superblock options)', (t) => {
  t.is(list('36 35 0:30 / /tmp rw,nosuid,relatime shared:1 - tmpfs tmpfs rw,size=1024k\n'),
    'tmpfs on /tmp type tmpfs (rw,nosuid,relatime,size=1024k)\n');
  // read-only by the mount or by the superblock: "ro" once, first
  t.is(list('36 35 0:30 / /a ro,relatime - ext4 /dev/vda rw,errors=remount-ro\n'), '/dev/vda on /a type ext4 (ro,relatime,errors=remount-ro)\n');
  t.is(list('36 35 0:30 / /a rw,relatime - ext4 /dev/vda ro\n'), '/dev/vda on /a type ext4 (ro,relatime)\n');
  t.is(list('36 35 0:30 / /a rw - proc proc rw\n'), 'proc on /a type proc (rw)\n');
});

test('escaped and unusual bytes: shown as util-linux shows them', (t) => {
  // \040 in a target and in a source are spaces; a control character is shown as '?'
  t.is(list('36 35 0:30 / /a\\040b rw - tmpfs my\\040src rw\n'), 'my src on /a b type tmpfs (rw)\n');
  t.is(list('36 35 0:30 / /a\x01b rw - tmpfs s\x7f rw\n'), 's? on /a?b type tmpfs (rw)\n');
  // options are listed unescaped
  t.is(list('36 35 0:30 / /o rw - overlay overlay rw,lowerdir=/l\\0401\n'), 'overlay on /o type overlay (rw,lowerdir=/l 1)\n');
  // a byte that is not UTF-8 stays that byte
  const latin = Buffer.concat([Buffer.from('36 35 0:30 / /caf'), Buffer.from([0xe9]), Buffer.from(' rw - tmpfs t rw\n')]);
  t.deepEqual(listBytes(latin), Buffer.concat([Buffer.from('t on /caf'), Buffer.from([0xe9]), Buffer.from(' type tmpfs (rw)\n')]));
});

test('options that are not the kernel\'s plain "rw,…" are merged as util-linux merges them', (t) => {
  t.is(list('36 35 0:30 / /a relatime,rw - tmpfs t size=1k,ro\n'), 't on /a type tmpfs (ro,relatime,size=1k)\n');
  t.is(list('36 35 0:30 / /a rw,relatime,ro - tmpfs t rw\n'), 't on /a type tmpfs (ro,relatime)\n');
  // "rwx" or "roz" are other options, not rw/ro
  t.is(list('36 35 0:30 / /a rw,rwx - tmpfs t rw,roz\n'), 't on /a type tmpfs (rw,rwx,roz)\n');
});

test('-t, autofs "ignore" and utab\'s userspace options', (t) => {
  const text = [
    '30 1 0:1 / /t rw - tmpfs a rw',
    '31 1 0:2 / /p rw - proc proc rw',
    '32 1 0:3 / /auto rw - autofs map rw,fd=5,ignore',
    '33 1 0:4 / /auto2 rw - autofs map rw,fd=6',
    '',
  ].join('\n');
  t.is(list(text, { types: 'tmpfs' }), 'a on /t type tmpfs (rw)\n');
  t.is(list(text, { types: 'notmpfs,autofs' }), 'proc on /p type proc (rw)\n');
  t.is(list(text), 'a on /t type tmpfs (rw)\nproc on /p type proc (rw)\nmap on /auto2 type autofs (rw,fd=6)\n');
  const utab = [{ id: 31, target: '/p', options: 'x-mine' }, { id: 99, target: '/t', options: 'x-other' }];
  t.is(list(text, { utab, types: 'tmpfs,proc' }), 'a on /t type tmpfs (rw)\nproc on /p type proc (rw,x-mine)\n');
});

test('lines that are not mountinfo\'s are left out, as the text path leaves them', (t) => {
  t.is(list('garbage\n\n36 35 0:30 / /a rw - tmpfs t rw\n1 2 3 4 5 6\n'), 't on /a type tmpfs (rw)\n');
  // a last line without its newline is listed
  t.is(list('36 35 0:30 / /a rw - tmpfs t rw'), 't on /a type tmpfs (rw)\n');
});

test('odd lines the kernel does not write are listed as the text path lists them', (t) => {
  const odd = [
    '36 35 0:30 / /a - tmpfs t rw', // no mount options: the separator at the fifth space
    '36 35 0:30 / /a - tmpfs t rw - x', // and a later field that is "-"
    '1e1 35 0:30 / /t rw - tmpfs a rw', // an ID that is not plain digits (Number() reads 10)
    '0x1f 35 0:30 / /t rw - tmpfs a rw',
    ' 35 0:30 / /t rw - tmpfs a rw',
  ];
  const utab = [{ id: 10, target: '/t', options: 'x-ten' }, { id: 31, target: '/t', options: 'x-31' }];
  for (const line of odd) {
    const expected = listedLine(line, new Listing(utab));
    t.is(list(`${line}\n`, { utab }), expected === undefined ? '' : `${expected}\n`, line);
  }
  t.is(list('1e1 35 0:30 / /t rw - tmpfs a rw\n', { utab }), 'a on /t type tmpfs (rw,x-ten)\n');
});

test('the byte path and the text path make the same bytes, however the input is cut', (t) => {
  // Every combination of the fields that choose a path, each line checked against Listing's own.
  const sources = ['tmpfs', '/dev/vda1', 'my\\040src', 's\x02', '/dev/loop7', Buffer.from([0x73, 0xff]).toString('latin1')];
  const targets = ['/t', '/a\\040b', '/x\x1f', '/d/' + 'n'.repeat(300), '/\\134'];
  const vfs = ['rw', 'ro', 'rw,nosuid,relatime', 'ro,noexec', 'relatime', 'rw,ro'];
  const fsOpts = ['rw', 'ro', 'rw,size=1k', 'ro,x=a\\054b', 'size=4k', '', 'rw,ignore'];
  const types = ['tmpfs', 'ext4', 'autofs', 'ty\\040pe'];
  const optional = ['', ' shared:1', ' master:2 propagate_from:3', ' shared:4 master:5'];
  const lines = [];
  let id = 20;
  for (const s of sources) for (const tg of targets) for (const v of vfs) for (const f of fsOpts) {
    const ty = types[id % types.length];
    const opt = optional[id % optional.length];
    lines.push(`${id} 1 0:${id} / ${tg} ${v}${opt} - ${ty} ${s}${f === '' && id % 2 ? '' : ` ${f}`}`);
    id++;
  }
  const input = Buffer.from(lines.join('\n') + '\n', 'latin1');
  const utab = [{ id: 25, target: '/t', options: 'x-u' }, { id: 40, target: '/a b', options: 'x-v' }];
  for (const typesFilter of [undefined, 'tmpfs,ext4', 'noautofs']) {
    const listing = new Listing(utab, typesFilter);
    const expected = lines.map((l) => listedLine(decodeBytes(Buffer.from(l, 'latin1')), listing)).filter((l) => l !== undefined);
    const want = encodeBytes(expected.map((l) => `${l}\n`).join(''));
    for (const cuts of [[], [1, 500, 501, 20000], Array.from({ length: 60 }, (_, k) => k * 1499)]) {
      t.deepEqual(listBytes(input, { utab, types: typesFilter, cuts }), want, `-t ${typesFilter}, cuts ${cuts.length}`);
    }
  }
});

test('-t: a chunk\'s buffer reused for the next one does not change the decisions taken', (t) => {
  // mountinfoAhead hands over views of two buffers it fills again: the same bytes at the same place
  // later are another line's. Each chunk here goes through one scratch buffer.
  const chunks = ['30 1 0:1 / /a rw - ext4 /dev/a rw\n', '31 1 0:2 / /b rw - ext3 /dev/b rw\n', '32 1 0:3 / /c rw - ext4 /dev/c rw\n'];
  const scratch = Buffer.alloc(64);
  const got = [];
  const l = new ByteListing([], 'ext4', undefined, (b) => got.push(Buffer.from(b)));
  for (const c of chunks) {
    const n = scratch.write(c, 0, 'latin1');
    l.add(scratch.subarray(0, n));
    scratch.fill(0x41);
  }
  l.finish();
  t.is(Buffer.concat(got).toString(), '/dev/a on /a type ext4 (rw)\n/dev/c on /c type ext4 (rw)\n');
});

test('a whole small table given as text is listed the same as its bytes', (t) => {
  const text = '36 35 0:30 / /tmp rw - tmpfs tmpfs rw\n37 35 0:31 / /a\\040b ro - ext4 /dev/vda rw\n';
  const got = [];
  const l = new ByteListing([], undefined, undefined, (b) => got.push(Buffer.from(b)));
  l.addText(text);
  l.finish();
  t.is(Buffer.concat(got).toString(), list(text));
});

test('mountinfoAhead and mountinfoChunks: chunks of whole lines that put the file back together, at any read size', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-ahead-'));
  try {
    const file = path.join(dir, 'mountinfo');
    const lines = Array.from({ length: 400 }, (_, k) => `${k} 1 0:${k} / /m/${'x'.repeat(k % 37)} rw - tmpfs t rw`);
    const cases = [
      { text: lines.join('\n') + '\n', sizes: [1, 7, 64, 4096, 1 << 20] },
      { text: lines.join('\n'), sizes: [5, 4096] },
      { text: '', sizes: [16] },
    ];
    for (const { text, sizes } of cases) {
      fs.writeFileSync(file, text);
      for (const size of sizes) {
        // read ahead through koffi, and the synchronous reads used without it
        for (const read of [mountinfoAhead, mountinfoChunks]) {
          const chunks = [];
          for await (const c of read(file, size)) chunks.push(Buffer.from(c));
          t.is(Buffer.concat(chunks).toString(), text, `${read.name}, read size ${size}`);
          // every chunk but a last line without its newline ends a line; none is empty
          for (const c of chunks.slice(0, -1)) t.is(c[c.length - 1], 10);
          if (text.endsWith('\n') && chunks.length) t.is(chunks[chunks.length - 1].at(-1), 10);
          t.true(chunks.every((c) => c.length > 0));
        }
      }
    }
    // a caller that stops early: the file is closed once the read in flight is done
    fs.writeFileSync(file, lines.join('\n') + '\n');
    for await (const c of mountinfoAhead(file, 64)) {
      t.true(c.length > 0);
      break;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('mountinfoAhead reads the kernel\'s table: the same lines as one read of it', async (t) => {
  const chunks = [];
  for await (const c of mountinfoAhead()) chunks.push(Buffer.from(c));
  const ids = (text) => text.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
  t.deepEqual(ids(Buffer.concat(chunks).toString('latin1')), ids(fs.readFileSync('/proc/self/mountinfo', 'latin1')));
});
