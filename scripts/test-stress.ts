// `npm run test:stress [-- tap arguments]`: the suite (npm test) run STRESS_RUNS
// times in a row (3 unless set) while two CPU-bound processes run beside it, as
// on a busy CI machine: a test that depends on the machine's speed fails here.
// Stops at the first failing run; exit code: that run's, or 0.
import { spawn, type ChildProcess } from 'node:child_process';

const runs = Number(process.env.STRESS_RUNS ?? 3);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`test:stress: STRESS_RUNS must be a whole number of at least 1, not "${process.env.STRESS_RUNS}"`);
  process.exit(2);
}
const BURNERS = 2;

// Each burner keeps one core busy until it is killed.
const burners: ChildProcess[] = Array.from({ length: BURNERS }, () =>
  spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const burner of burners) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopBurners();
    process.exit(1);
  });
}

let code = 0;
for (let run = 1; run <= runs && code === 0; run++) {
  console.log(`# test:stress: run ${run} of ${runs}, beside ${BURNERS} CPU-bound processes`);
  const started = Date.now();
  const suite = spawn('npm', ['test', '--', ...process.argv.slice(2)], { stdio: 'inherit' });
  code = await new Promise<number>((resolve) => suite.on('close', (exitCode) => resolve(exitCode ?? 1)));
  console.log(
    `# test:stress: run ${run} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}
stopBurners();
process.exit(code);
