// Every finding message of replicas. What is over the limit is worded by `replicaText` (check.ts
// finds it in many shapes: manifests, kubectl, Terraform, Helm parameters) and reported as
// `tooMany`.
import { defineMessages } from '../messages.js';

const fix = 'set replicas to {{max}} (scaling the execution agent up needs a reviewed production-lock unlock)';

export const replicasMessages = defineMessages({
  tooMany: { text: '{{problem}}', fix },
  tooManyRendered: { text: '{{problem}} (name rendered by {{via}})', fix },
});

/** What check.ts says is over the limit. `label` names the workload or command (null: none). */
export const replicaText = {
  notSet: (label: string | null, what: string, dflt: number, max: number) => `${label === null ? '' : `${label}: `}${what} is not set (defaults to ${dflt}); must be ${max}`,
  notLiteral: (label: string | null, what: string, max: number) => `${label === null ? '' : `${label}: `}${what} is not a literal number (cannot verify it stays ${max})`,
  over: (label: string | null, what: string, n: number, max: number) => `${label === null ? '' : `${label}: `}${what} is ${n}; must be ${max}`,
  alwaysRuns: (label: string, kind: string, runs: string, suspendable: boolean) =>
    `${label}: a ${kind} always runs (${runs}); ${suspendable ? 'suspend: true, or a Deployment with replicas: 0' : 'use a Deployment with replicas: 0'}`,
  startsAgent: (command: string, name: string) => `${command}: starts the execution agent (${name}) as a job or pod; keep it at replicas: 0`,
  kubectl: (verb: string) => `kubectl ${verb}`,
  set: (key: string) => `set ${key}`,
};
