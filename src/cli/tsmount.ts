// Entry point of tsmount (bundled into dist/tsmount.cjs: one file to load at start-up).
import { runCommand } from './main';
import { mountMain } from './mount';

runCommand(mountMain, 'tsmount', process.argv, { endAtOnce: true });
