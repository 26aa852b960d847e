/**
 * Electron fuses of the packaged app, flipped in the Electron binary after electron-builder
 * has copied it (the `afterPack` hook of electron-builder.yml; electron-builder 25 has no
 * `electronFuses` option, and signing comes after this hook, so signatures stay valid).
 *
 * Fuses are bytes in the binary that switch features off for good, whatever the command
 * line or environment says: without them anyone who can start the app could make it run
 * arbitrary scripts with its privileges (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect) or
 * load code from outside its archive. The byte layout is Electron's fuse wire: a sentinel,
 * a version byte (1), a length byte, then one byte per fuse: '0' off, '1' on, 'r' removed
 * (the format @electron/fuses writes; see electron/docs/tutorial/fuses.md).
 *
 * CommonJS and plain JavaScript, because electron-builder require()s its hooks as they are.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** Fuse positions in wire version 1, in Electron's order. */
const FUSE_INDEX = {
  RunAsNode: 0,
  EnableCookieEncryption: 1,
  EnableNodeOptionsEnvironmentVariable: 2,
  EnableNodeCliInspectArguments: 3,
  EnableEmbeddedAsarIntegrityValidation: 4,
  OnlyLoadAppFromAsar: 5,
  LoadBrowserProcessSpecificV8Snapshot: 6,
  GrantFileProtocolExtraPrivileges: 7,
};

/** What Spikeflow ships: true on, false off. Fuses not named keep Electron's default. */
const SPIKEFLOW_FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // The renderer is served from the app's own spikeflow:// scheme, never file://.
  GrantFileProtocolExtraPrivileges: false,
};

/**
 * Sets `fuses` in every fuse wire of the binary at `file` (a universal macOS binary has
 * one per architecture). Throws, naming the file, where there is no wire or a fuse is
 * missing from it: an app must never ship with its fuses silently left as they were.
 */
function flipFuses(file, fuses = SPIKEFLOW_FUSES) {
  const bytes = fs.readFileSync(file);
  const sentinel = Buffer.from(SENTINEL, 'latin1');
  let wires = 0;
  for (let at = bytes.indexOf(sentinel); at !== -1; at = bytes.indexOf(sentinel, at + sentinel.length)) {
    const wire = at + sentinel.length;
    const version = bytes[wire];
    const length = bytes[wire + 1];
    if (version !== 1) throw new Error(`${file}: Electron fuse wire version ${version}, this script knows version 1`);
    for (const [name, on] of Object.entries(fuses)) {
      const index = FUSE_INDEX[name];
      if (index === undefined || index >= length) throw new Error(`${file}: this Electron has no fuse ${name}`);
      const at = wire + 2 + index;
      if (bytes[at] === 0x72) throw new Error(`${file}: the fuse ${name} was removed from this Electron`);
      bytes[at] = on ? 0x31 : 0x30;
    }
    wires++;
  }
  if (wires === 0) throw new Error(`${file} has no Electron fuse wire (is it an Electron binary?)`);
  fs.writeFileSync(file, bytes);
  return wires;
}

/** Reads the fuses of the first wire in `file`: { RunAsNode: false, … }. */
function readFuses(file) {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from(SENTINEL, 'latin1'));
  if (at === -1) throw new Error(`${file} has no Electron fuse wire`);
  const wire = at + SENTINEL.length;
  const result = {};
  for (const [name, index] of Object.entries(FUSE_INDEX)) {
    if (index < bytes[wire + 1]) result[name] = bytes[wire + 2 + index] === 0x31;
  }
  return result;
}

/** The Electron binary that electron-builder put in `appOutDir`. */
function electronBinary(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${name}.app`, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
    case 'win32':
      return path.join(context.appOutDir, `${name}.exe`);
    default:
      return path.join(context.appOutDir, context.packager.executableName);
  }
}

/** electron-builder's afterPack hook. */
async function afterPack(context) {
  flipFuses(electronBinary(context));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.flipFuses = flipFuses;
module.exports.readFuses = readFuses;
module.exports.SPIKEFLOW_FUSES = SPIKEFLOW_FUSES;
module.exports.SENTINEL = SENTINEL;
