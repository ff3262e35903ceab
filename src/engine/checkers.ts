// Step 1 of a run: one checker per enabled rule, created once with its context (options,
// severity, the policy it is judged by, git access). A cacheable rule sees git and the audit
// history through a proxy that notes any look beyond the file it is judging, so that only
// results that depend on the file alone are stored in the result cache.
import { engineMsg } from '../messages.js';
import { GateError } from '../errors.js';
import type { Severity } from '../findings/types.js';
import type { Rule, RuleChecker, VerdictStore } from '../rules/types.js';
import { createPathMatcher, type PathMatcher } from './paths.js';
import { CACHEABLE_RULES, VERDICT_RULES, type ResultCache } from './result-cache.js';
import type { EngineInput } from './run.js';

export interface ActiveRule {
  rule: Rule<unknown>;
  checker: RuleChecker;
  /** A fresh checker with the same context (findings of an old version, src/findings/suppress.ts). */
  fresh(): Promise<RuleChecker>;
  severity: Severity;
  keywords: readonly string[] | null;
  /** Result-cache context of this rule (null: its results are never cached). */
  cacheContext: string | null;
}

/**
 * Whether a cacheable rule's checkFile looked beyond (path, mode, bytes, options, policy) while
 * it ran: the commit, the change record, the old version, the repository, the audit history.
 * The file phase runs one checkFile at a time, so one flag serves every rule.
 */
export interface Taint {
  active: boolean;
  tainted: boolean;
}

/** `target` with every property read and method call during a checkFile marking it tainted. */
function tracked<T extends object>(target: T, taint: Taint): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          if (taint.active) taint.tainted = true;
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      }
      if (taint.active) taint.tainted = true;
      return value;
    },
  });
}

/** What the checkers of one run share: the matcher of the run's policy, the result cache, the taint flag. */
export interface CheckerShared {
  paths: PathMatcher;
  cache: ResultCache | null;
  taint: Taint;
}

/** A rule's verdicts in the result cache, under a context of their own (the rule's setting and policy, as for its file results). */
function verdictStore(cache: ResultCache, rule: string, setting: unknown, policy: EngineInput['policy'], input: EngineInput): VerdictStore {
  const context = cache.context({
    rule: `${rule}#verdicts`,
    setting,
    policy: { ...policy, rules: undefined, hash: undefined, sources: undefined },
    keywords: null,
    undecodable: false,
    trustsLocalState: input.trustsLocalState,
    objectFormat: input.changeSet.objectFormat,
  });
  return { get: (key) => cache.get(context, key), put: (key, verdict) => cache.put(context, key, verdict) };
}

/** The checkers of the enabled rules, in registry order; a rule the policy has no settings for is a config error. */
export async function buildCheckers(input: EngineInput, { paths, cache, taint }: CheckerShared): Promise<ActiveRule[]> {
  const { policy } = input;
  const active: ActiveRule[] = [];
  for (const rule of input.rules) {
    const own = input.policyFor?.(rule.meta.id);
    const rulePolicy = own ?? policy;
    const setting = rulePolicy.rules[rule.meta.id] ?? (own ? policy.rules[rule.meta.id] : undefined);
    if (!setting) throw new GateError('config', engineMsg.noRuleSettings(rule.meta.id), engineMsg.noRuleSettingsHint);
    if (setting.severity === 'off') continue;
    const cacheable = cache !== null && CACHEABLE_RULES.has(rule.meta.id);
    const ctx = {
      options: setting.options,
      severity: setting.severity,
      policy: rulePolicy,
      git: cacheable ? tracked(input.git, taint) : input.git,
      paths: own ? createPathMatcher(rulePolicy.runtimeScope, rulePolicy.caseInsensitivePaths) : paths,
      trustsLocalState: input.trustsLocalState,
      now: input.now,
      deadlineAt: input.deadlineAt,
      history: cacheable ? tracked(input.history, taint) : input.history,
      ...(cache !== null && VERDICT_RULES.has(rule.meta.id) ? { verdicts: verdictStore(cache, rule.meta.id, setting, rulePolicy, input) } : {}),
    };
    const checker = await rule.create(ctx);
    const fresh = async () => rule.create(ctx);
    const keywords = checker.keywords ? checker.keywords.map((k) => k.toLowerCase()) : null;
    const cacheContext =
      cacheable && checker.checkFile
        ? cache.context({
            rule: rule.meta.id,
            setting,
            // Everything of the policy but the other rules' settings (and where it was read from).
            policy: { ...rulePolicy, rules: undefined, hash: undefined, sources: undefined },
            keywords,
            undecodable: checker.undecodable === true,
            trustsLocalState: input.trustsLocalState,
            objectFormat: input.changeSet.objectFormat,
          })
        : null;
    active.push({ rule, checker, fresh, severity: setting.severity, keywords, cacheContext });
  }
  return active;
}
