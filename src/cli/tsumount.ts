// Entry point of tsumount (bundled into dist/tsumount.cjs).
import { runCommand } from './main';
import { umountMain } from './umount';

runCommand(umountMain, 'tsumount', process.argv, { endAtOnce: true });
