// `safety-gate install`: wire the gate into git's hooks on a client (husky, core.hooksPath or
// the pre-commit framework) or into a bare repository's pre-receive on a server.
import { parseArgs } from 'node:util';
import { GateError } from '../../errors.js';
import type { CliIO } from '../io.js';
import { isBare, workTree } from '../../install/git.js';
import { msg, INSTALL_USAGE } from '../../install/messages.js';
import { chooseMode, type ClientMode } from '../../install/choose.js';
import type { InstallContext, InstallOutcome } from '../../install/types.js';
import { cliMsg } from '../../messages.js';
import { outMsg } from '../messages.js';
import { writeErr, writeOut } from '../io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  try {
    return await install(argv, io);
  } catch (e) {
    if (!(e instanceof GateError)) throw e;
    writeErr(io, outMsg.installFailed(e.message, e.hint) + '\n');
    return 2;
  }
}

async function install(argv: string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        husky: { type: 'boolean' },
        'hooks-path': { type: 'boolean' },
        'pre-commit': { type: 'boolean' },
        server: { type: 'string' },
        'agent-hooks': { type: 'boolean' },
        config: { type: 'string' },
        force: { type: 'boolean' },
        repo: { type: 'string' },
        rev: { type: 'string' },
        bundle: { type: 'boolean' },
        python: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new GateError('usage', cliMsg.install((e as Error).message), cliMsg.seeHelp('install'));
  }
  if (values.help) {
    writeOut(io, `${INSTALL_USAGE}\n`);
    return 0;
  }

  const ctx: InstallContext = {
    cwd: io.cwd,
    env: io.env,
    force: values.force === true,
    say: (line) => writeOut(io, `${line}\n`),
  };
  const modes = (['husky', 'hooks-path', 'pre-commit'] as const).filter((m) => values[m] === true);
  const usage = (what: string) => new GateError('usage', cliMsg.install(what), cliMsg.seeHelp('install'));
  if (modes.length > 1) throw usage(`choose one of --${modes.join(', --')}`);

  let outcome: InstallOutcome;
  if (values['agent-hooks']) {
    if (modes.length > 0 || values.server !== undefined) throw usage("--agent-hooks installs the coding agent's hook only; run the git hook install separately");
    const repo = workTree(io.cwd, io.env);
    if (repo === null) throw new GateError('usage', msg.notARepo(io.cwd), msg.notARepoHint);
    outcome = (await import('../../install/agent-hooks.js')).installAgentHooks(repo, ctx);
  } else if (values.server !== undefined) {
    if (modes.length > 0) throw usage(`--server cannot be combined with --${modes[0]}`);
    if (values.repo !== undefined || values.rev !== undefined) throw usage('--repo and --rev apply to --pre-commit only');
    const { installServer } = await import('../../install/server.js');
    outcome = await installServer(ctx, {
      bare: values.server,
      ...(values.config ? { config: values.config } : {}),
      ...(values.python !== undefined ? { python: values.python } : {}),
      bundle: values.bundle === true,
    });
  } else {
    if (values.config !== undefined) throw usage('--config applies to --server only (clients read safety-gate.config.yaml)');
    if (values.bundle !== undefined) throw usage('--bundle applies to --server only');
    const repo = workTree(io.cwd, io.env);
    if (repo === null) {
      if (isBare(io.cwd, io.env)) throw new GateError('usage', msg.bareWithoutServer(io.cwd), msg.bareWithoutServerHint);
      throw new GateError('usage', msg.notARepo(io.cwd), msg.notARepoHint);
    }
    // Gate A's interpreter, resolved (and --python checked) before anything is written, and kept
    // per clone: the hooks are committed files, the interpreter's path belongs to this machine.
    const pin = await import('../../install/python-pin.js');
    const python = pin.resolvePython(repo.top, io.env, values.python);
    let mode: ClientMode;
    if (modes[0]) {
      mode = modes[0];
    } else {
      const choice = chooseMode(repo, io.env);
      mode = choice.mode;
      ctx.say(msg.autoChoice(mode, choice.why));
    }
    if (mode !== 'pre-commit' && (values.repo !== undefined || values.rev !== undefined)) {
      throw usage('--repo and --rev apply to --pre-commit only');
    }
    if (mode === 'husky') {
      outcome = (await import('../../install/husky.js')).installHusky(repo, ctx);
    } else if (mode === 'pre-commit') {
      const opts = { ...(values.repo ? { repoUrl: values.repo } : {}), ...(values.rev ? { rev: values.rev } : {}) };
      outcome = (await import('../../install/pre-commit.js')).installPreCommit(repo, ctx, opts);
    } else {
      outcome = (await import('../../install/hooks-path.js')).installHooksPath(repo, ctx);
    }
    // Said only when it changed: installing again says "nothing changed" and nothing else.
    if (pin.writePythonPin(repo.commonDir, python)) ctx.say(msg.clientPython(python, pin.pythonPinFile(repo.commonDir)));
  }
  ctx.say(outcome.summary);
  return 0;
}
