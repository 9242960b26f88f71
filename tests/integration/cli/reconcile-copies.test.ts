// An operator's `docdb-backup reconcile` and copies into another account: the target role trusts only the
// reconcile function's role (deploy/target-role.ts), so the operator's pass leaves those copies to the
// function, unfailed and unpaged, instead of failing them as unreachable. The emulator trusts per account,
// not per role, so the refusal the operator would meet is seeded as a role that trusts another account.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferedOutput, type CliIo } from '../../../cli/io.js';
import { runCli } from '../../../cli/main.js';
import { tempFolder } from '../../support/temp-folders.js';
import { hourlyPolicyFile, lifecycleWorld, runPolicy, useWorld } from '../backup/support.js';

const DR = '444455556666';
const FUNCTION_ONLY_ACCOUNT = '999988887777';

describe('an operator reconcile pass and copies into another account', () => {
  const world = useWorld();

  it('leaves a copy it cannot reach (the target role trusts the function only) to the function, unfailed and unpaged', async () => {
    const lifecycle = await lifecycleWorld(world, {
      regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } },
      accounts: {
        [DR]: {
          regions: { 'us-east-1': {} },
          roles: {
            'docdb-backup-copier': {
              trust: { accounts: [FUNCTION_ONLY_ACCOUNT], externalId: 'docdb-backup-7f3a9c' },
            },
          },
        },
      },
    });
    const policies = hourlyPolicyFile(`    copies:
      - account: "${DR}"
        roleArn: arn:aws:iam::${DR}:role/docdb-backup-copier
        externalId: docdb-backup-7f3a9c
`);
    await runPolicy(world, policies, lifecycle.event, { clock: lifecycle.clock });

    const dir = tempFolder('review-cli');
    const file = join(dir, 'policies.yml');
    writeFileSync(file, policies);
    const stdout = bufferedOutput({ isTTY: false, columns: 120 });
    const stderr = bufferedOutput({ isTTY: false });
    const io: CliIo = {
      stdout,
      stderr,
      env: { ...world.service.env },
      cwd: dir,
      now: () => new Date(),
      onInterrupt: () => () => {},
    };
    await runCli(['reconcile', '--file', file, '--json'], io);
    const report = JSON.parse(stdout.text()) as {
      copies: { transitions: { to: string; error?: { code: string } }[] };
    };

    expect(report.copies.transitions.filter((t) => t.to === 'failed')).toEqual([]);
    expect(world.emu.state().published.filter((m) => /cop(y|ies) failed/.test(m.subject ?? ''))).toEqual([]);
  }, 60_000);
});
