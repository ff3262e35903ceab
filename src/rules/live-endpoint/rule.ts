// live-endpoint (Gate D): live broker hosts in runtime-scope code and config, new inline
// exceptions for them, and live hosts in the policy's allow_hosts.
//
// Hot path: the keyword prefilter (one label of every live host, e.g. `alpaca`, `oanda`) keeps
// all but the files that mention a broker away from checkFile; there a single regex pass finds
// host-shaped runs (hosts.ts). No parser, no zod.
import type { FileChange } from '../../changeset/types.js';
import type { Blob } from '../../changeset/blob.js';
import { visitLoaded } from '../../readers/runtime-loaded.js';
import { createRule, type FileView, type RuleContext, type RunView } from '../types.js';
import type { MessageOf, RuleReport } from '../messages.js';
import { liveEndpointFix, liveEndpointMessages, liveEndpointText } from './messages.js';

type Report = RuleReport<typeof liveEndpointMessages>;
import { BUILTIN_BROKERS } from './brokers.js';
import { findLiveHosts, HostTable, type LiveHit } from './hosts.js';
import { base64Fragments, resolvedStrings } from '../../readers/literal-strings.js';
import type { LiveEndpointOptions } from './options.js';

const DOCS = `Blocks live (real-money) broker hosts in runtime-scope code and config, and new
exceptions for them, so that the repository stays paper/shadow-only (AgentTrader v2 safety-gate
spec, Gate D "No live endpoint detection").

What it reports
  live-endpoint                 a live broker host (or a *.domain wildcard covering one) in a
                                changed file in runtime scope, in any file type, anywhere in the
                                file (code, config, strings, comments: a comment can be
                                uncommented, and a guard that compares with the live host looks
                                exactly like code that connects to it). Files other runtime
                                files load (load_dotenv, COPY, source, compose/Kustomize, an
                                import of an excluded module: the reference index explained
                                under agent-mode "Loaded") count as runtime scope wherever
                                they live, when the loader starts loading them and when they
                                change on their own.
  live-endpoint/new-exception   an inline exception that the change adds (not in the previous
                                version of the file), and any live host exempted by allow_hosts
                                without a review record. Remediation: needs security review.

Hosts (built-in table; src/rules/live-endpoint/brokers.ts cites the documentation of each)
  Alpaca        live api.alpaca.markets, broker-api.alpaca.markets
                paper paper-api.alpaca.markets, broker-api.sandbox.alpaca.markets
                market data (never flagged) data.alpaca.markets, stream.data.alpaca.markets
  OANDA         live api-fxtrade / stream-fxtrade.oanda.com; paper api-fxpractice / stream-fxpractice
  Tradier       live api / stream / ws.tradier.com; paper sandbox.tradier.com, sandbox-ws.tradier.com
  Interactive Brokers  live api.ibkr.com, api.interactivebrokers.com (Web API; paper vs live is
                chosen by login there); test api.test.interactivebrokers.com
  TradeStation  live api.tradestation.com; paper sim-api.tradestation.com
  Binance       live api, api-gcp, api1-4, ws-api, stream, fapi, fstream, dapi, dstream, papi
                .binance.com (+ api.binance.us); paper testnet.binance.vision,
                testnet.binancefuture.com, demo-*.binance.com
  Coinbase      live api.coinbase.com, api.exchange.coinbase.com, ws-feed / ws-direct / fix-*
                .exchange.coinbase.com, advanced-trade-ws(-user).coinbase.com, Prime DMA hosts;
                paper api-public.sandbox.exchange.coinbase.com, api-sandbox.coinbase.com, …
  Kraken        live api.kraken.com, ws-auth.kraken.com, futures.kraken.com;
                paper demo-futures.kraken.com; market data ws.kraken.com

Matching
  Whole hosts, case-insensitive: paper-api.alpaca.markets is not api.alpaca.markets, and
  api.alpaca.markets.evil.example is not the live host. Scheme, user:password@, port, path and
  a trailing dot do not matter; http(s), ws(s), bare hosts, any file type. Hosts are read the way
  node's WHATWG URL parser reads them (domainToASCII, UTS-46): percent-escapes (%61pi, %2e,
  %E3%80%82), fullwidth and enclosed letters (ａｐｉ, ⓐ), ideographic dots, and default-ignorable
  code points (soft hyphen, zero-width characters, variation selectors, CGJ) are folded before
  matching, in the whole file (the prefilter sees the same folded view). Also caught: escaped
  dots (api\\.alpaca\\.markets in a regex, \\u002e, &#46;, [.]), hosts glued to an escape
  (\\napi…, %2Fapi…), literal concatenation ("api." + "alpaca.markets", Python implicit
  concatenation, across one line break), wildcards (*.alpaca.markets), and files in UTF-16/32
  or with NUL bytes (decoded like text).
  Also read in the strings the file holds once its consumer reads it: multi-line YAML scalars
  after folding (url: >- split across lines), joins of string literals (".".join(["api",
  "alpaca", "markets"]), ["api", "alpaca.markets"].join(".")), lines after substituting a
  variable the file sets to one literal (D=alpaca.markets; curl https://api.$D/), and base64
  literals (standard or URL alphabet, up to 4 KiB, 64 per file) that decode to text, and in
  Python and JS/TS the strings the readers' constant evaluator computes from literals
  (f"https://{'api'}.alpaca.markets", "https://%s.alpaca.markets" % "api", .format("api"),
  concatenation, bytes.fromhex/b64decode/atob of literals) when the file names a broker.
  Out of reach, so a reviewer must watch for them: hosts built through variables set by
  commands or in other files, f-strings/templates/format strings with run-time fields, a split inside
  the broker's name ("alp" + "aca…"), letters written as code escapes (\\u0061pi), other
  encodings (hex, rot13, gzip+base64), hosts assembled at run time. Lookalikes
  that resolve elsewhere (Cyrillic letters, punycode) are other hosts and are not flagged; nor
  are hosts the URL parser rejects (a tag character inside), the bare apex (alpaca.markets)
  and documentation hosts. A whole changed file is checked, including lines the change did not
  touch. Binary files are not read (undecodable text is readable-content's finding).

Options (rules.live-endpoint.options)
  brokers                  [{name, live: [hosts], paper: [hosts], market_data?, suggest?}]
                           added to the built-in table (it cannot be shrunk from config);
                           a host may be *.domain.
  extra_live_hosts         more live hosts (exact or *.domain).
  allow_hosts              hosts never reported. Paper hosts need no entry. A live host here is
                           a security exception: live-endpoint/new-exception on every run until
                           security_reviewed_allow_hosts records {host, reviewed_by, reference}.
                           (The policy itself is a protected target, so adding either entry is
                           a reviewed policy change; the record makes the review explicit.)
  security_reviewed_allow_hosts  review records for live hosts in allow_hosts.
  new_exception_severity   block (default) or warn.
  scope                    {include?, exclude?}: replaces the policy's runtime_scope lists for
                           this rule.

Inline exception (same line, or alone on the line directly above; any comment syntax)
  # safety-gate: allow live-endpoint -- <reason>
  // safety-gate: allow live-endpoint -- <reason>
  <!-- safety-gate: allow live-endpoint -- <reason> -->
  The engine's mechanism, the same for every rule (safety-gate explain exceptions). The marker
  is exact and lower-case. The reason is mandatory: without one the exception exempts nothing.
  Exceptions are keyed to the content of the line and of the comment; one that was not in the
  previous version of the file (or arrives by a copy, or by a rename from outside runtime
  scope) is a new exception. \`safety-gate scan --list-suppressions\` lists the exceptions that
  really suppress a finding.

Examples
  APCA_API_BASE_URL=https://api.alpaca.markets          → live-endpoint
  APCA_API_BASE_URL=https://paper-api.alpaca.markets    → ok
  LIVE = "api.alpaca.markets"  # safety-gate: allow live-endpoint -- guard refuses this host (SEC-123)
                                                        → ok once reviewed; new-exception when added

How to fix
  Point the code at the broker's paper/sandbox host (the remediation names it), move fixtures
  that must name live hosts out of runtime scope (tests/, docs/), or add a reasoned exception and
  get it security-reviewed.`;

function describe(hit: LiveHit, via: string): MessageOf<typeof liveEndpointMessages> {
  const data = { host: hit.host, broker: hit.info.broker, via };
  return hit.wildcard ? { messageId: 'wildcard', data: { ...data, pattern: hit.info.pattern } } : { messageId: 'liveHost', data };
}

function isRegular(change: FileChange): boolean {
  return change.newMode === '100644' || change.newMode === '100755';
}

export const liveEndpoint = createRule({
  meta: {
    id: 'live-endpoint',
    family: 'live endpoints',
    description: 'Blocks live broker hosts (e.g. api.alpaca.markets) in runtime scope and new exceptions without security review.',
    defaultSeverity: 'block',
    messages: liveEndpointMessages,
    docs: DOCS,
  },
  create(ctx: RuleContext<LiveEndpointOptions>) {
    const o = (ctx.options ?? {}) as Partial<LiveEndpointOptions>;
    const table = new HostTable({
      // The built-in table always applies; configuration only adds to it.
      brokers: [...BUILTIN_BROKERS, ...(o.brokers ?? [])],
      extraLive: o.extra_live_hosts ?? [],
      allow: o.allow_hosts ?? [],
    });
    const newExceptionSeverity = o.new_exception_severity ?? 'block';
    const scope = o.scope ?? {};
    const inScope = ctx.paths.runtimeScope({
      ...(scope.include ? { include: scope.include } : {}),
      ...(scope.exclude ? { exclude: scope.exclude } : {}),
    });

    // Inline exceptions are the engine's (src/findings/suppress.ts), the same for every rule:
    // this rule reports every live host, and the engine suppresses the ones a reasoned
    // exception covers and reports the exceptions a change adds as live-endpoint/new-exception.
    // Base64 spellings of the keywords (every alignment), so the prefilter lets an encoded host
    // through to the decoder in ../../readers/literal-strings.ts.
    const b64 = [...new Set(table.keywords.flatMap((k) => base64Fragments(k)))];
    const checkBlob = async (path: string, blob: Blob, report: Report, via = '', at: (line: number) => number = (n) => n) => {
      const seen = new Set<string>();
      const hits = findLiveHosts(blob.text, table, blob.urlView);
      // A host split by raw tabs or line breaks is reported after the resolved strings: a YAML
      // scalar that holds it reports it once, at the scalar.
      const split = hits.filter((h) => h.split);
      for (const hit of hits.filter((h) => !h.split)) {
        const { line, column } = blob.position(hit.offset);
        seen.add(`${hit.host}\0${line}`);
        report({
          ...describe(hit, via),
          path,
          line: at(line),
          column,
          remediation: liveEndpointFix(hit.info),
        });
      }
      // The same hosts in the strings the file holds once read: folded YAML scalars, joins of
      // literals, lines after the file's own shell variables, decoded base64 literals.
      const spans: { host: string; from: number; to: number }[] = [];
      for (const view of await resolvedStrings(path, blob, table.keywords, b64)) {
        for (const hit of findLiveHosts(view.text, table)) {
          if (view.end !== undefined) spans.push({ host: hit.host, from: view.offset, to: view.end });
          const { line, column } = blob.position(view.offset);
          const key = `${hit.host}\0${line}`;
          if (seen.has(key)) continue;
          seen.add(key);
          report({
            ...describe(hit, liveEndpointText.via(view.via) + via),
            path,
            line: at(line),
            column,
            remediation: liveEndpointFix(hit.info),
          });
        }
      }
      for (const hit of split) {
        if (spans.some((s) => s.host === hit.host && hit.offset >= s.from && hit.offset < s.to)) continue;
        const { line, column } = blob.position(hit.offset);
        const key = `${hit.host}\0${line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report({
          ...describe(hit, liveEndpointText.split + via),
          path,
          line: at(line),
          column,
          remediation: liveEndpointFix(hit.info),
        });
      }
    };

    return {
      keywords: [...table.keywords, ...new Set(b64.map((f) => f.toLowerCase()))],
      files: (change: FileChange) => isRegular(change) && inScope(change.path),
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob || !blob.isText) return;
        await checkBlob(file.path, blob, report);
      },
      async checkRun(run: RunView, report: Report) {
        // Files runtime files load, wherever they live (readers/runtime-loaded.ts): the same
        // host search, reported at the loaded file (or at the loader for content it holds).
        await visitLoaded(run, ctx.git, inScope, async (f) => {
          if (f.unlessIn) return; // compose interpolation: values agent-mode reads
          if (!table.keywords.some((k) => f.blob.lower.includes(k)) && !b64.some((k) => f.blob.text.includes(k))) return;
          await checkBlob(f.path, f.blob, (x) => report({ ...x, commit: f.commit }), f.via, f.line);
        });
        const reviewed = new Set((o.security_reviewed_allow_hosts ?? []).map((r) => r.host.trim().toLowerCase()));
        for (const a of table.allowedLive) {
          if (reviewed.has(a.entry.trim().toLowerCase())) continue;
          report({
            messageId: 'unreviewedException',
            data: { entry: a.entry, live: liveEndpointText.covers(a.covers) },
            severity: newExceptionSeverity,
            path: null,
          });
        }
      },
    };
  },
});
