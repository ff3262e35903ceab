// The client doors' agent task: the SPEC-260 envelope named by SAFETY_GATE_TASK
// (src/sources/task.ts reads and validates it; loaded lazily, it loads zod). The server never
// takes a task from its environment: pushed commits carry theirs in trailers.
import type { TaskEnvelope } from '../changeset/types.js';

export async function taskFromEnv(env: NodeJS.ProcessEnv): Promise<TaskEnvelope | null> {
  const path = env.SAFETY_GATE_TASK;
  if (!path) return null;
  const { loadTaskEnvelope } = await import('../sources/task.js');
  return loadTaskEnvelope(path);
}

/** The server's: none. */
export async function noTask(): Promise<null> {
  return null;
}
