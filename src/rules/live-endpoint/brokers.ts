// The built-in broker table of the live-endpoint rule (Gate D): for each broker, the hosts that
// reach a live (real-money) account and the hosts of its paper / sandbox / demo environment.
//
// Classification, applied to every host below:
//   live        — places orders on, or reads / streams the state of, a real-money account
//                 (REST, WebSocket order entry, user-data / account-event streams).
//   paper       — the broker's documented paper, sandbox, simulator, testnet or demo environment.
//   market_data — documented as public market data only (no orders, no account state). Never
//                 flagged; listed so that readers and tests can see the decision was made.
// A host that can carry live account data is live even when it also serves market data
// (Binance stream.binance.com carries user-data streams; Coinbase advanced-trade-ws is the
// documented fail-over for the user order channel).
//
// Every entry was checked against the documentation cited next to it. Users extend this table
// in configuration (`rules.live-endpoint.options.brokers`, `extra_live_hosts`); configuration can
// never remove a built-in live host (see rule.ts), only exempt one through a reviewed `allow_hosts`.
// Plain data: imported by rule.ts on the hot path and by options.ts for the defaults.

export interface BrokerEntry {
  name: string;
  /** Hosts that reach a live account. Exact hosts, or `*.domain` for every subdomain of domain. */
  live: string[];
  /** Paper / sandbox / demo hosts (suggested instead; they also carve out of `*.` live patterns). */
  paper: string[];
  /** Public market-data-only hosts: never flagged. */
  market_data?: string[];
  /** For the remediation line: live host → the paper host to use instead (default: first paper host). */
  suggest?: Record<string, string>;
  /** Where the hosts are documented. */
  docs?: string[];
}

export const BUILTIN_BROKERS: readonly BrokerEntry[] = [
  {
    name: 'Alpaca',
    // https://docs.alpaca.markets/reference ("Alpaca's live API domain is https://api.alpaca.markets",
    //   paper trading "set the domain to https://paper-api.alpaca.markets")
    // https://docs.alpaca.markets/docs/websocket-streaming (trade_updates: wss://api.alpaca.markets/stream
    //   vs wss://paper-api.alpaca.markets/stream; market data on data.alpaca.markets)
    // https://docs.alpaca.markets/docs/getting-started-with-broker-api (sandbox: broker-api.sandbox.alpaca.markets)
    // https://docs.alpaca.markets/us/docs/broker-mcp-server (live https://broker-api.alpaca.markets, sandbox
    //   https://broker-api.sandbox.alpaca.markets)
    // https://docs.alpaca.markets/docs/streaming-market-data (stream.data.alpaca.markets, stream.data.sandbox.alpaca.markets)
    live: ['api.alpaca.markets', 'broker-api.alpaca.markets'],
    paper: ['paper-api.alpaca.markets', 'broker-api.sandbox.alpaca.markets'],
    market_data: ['data.alpaca.markets', 'stream.data.alpaca.markets', 'data.sandbox.alpaca.markets', 'stream.data.sandbox.alpaca.markets'],
    suggest: {
      'api.alpaca.markets': 'paper-api.alpaca.markets',
      'broker-api.alpaca.markets': 'broker-api.sandbox.alpaca.markets',
    },
    docs: ['https://docs.alpaca.markets/reference', 'https://docs.alpaca.markets/docs/getting-started-with-broker-api'],
  },
  {
    name: 'OANDA',
    // https://developer.oanda.com/rest-live-v20/development-guide/ (REST: api-fxtrade.oanda.com vs
    //   api-fxpractice.oanda.com; streaming: stream-fxtrade.oanda.com vs stream-fxpractice.oanda.com)
    // https://developer.oanda.com/docs/jp/v1/guide (legacy v1 sandbox: api-sandbox.oanda.com, stream-sandbox.oanda.com)
    live: ['api-fxtrade.oanda.com', 'stream-fxtrade.oanda.com'],
    paper: ['api-fxpractice.oanda.com', 'stream-fxpractice.oanda.com', 'api-sandbox.oanda.com', 'stream-sandbox.oanda.com'],
    suggest: {
      'api-fxtrade.oanda.com': 'api-fxpractice.oanda.com',
      'stream-fxtrade.oanda.com': 'stream-fxpractice.oanda.com',
    },
    docs: ['https://developer.oanda.com/rest-live-v20/development-guide/'],
  },
  {
    name: 'Tradier',
    // https://documentation.tradier.com/brokerage-api/trading/place-equity-order ("If you're developing using a
    //   paper trading account, change the hostname to https://sandbox.tradier.com"; live https://api.tradier.com)
    // https://documentation.tradier.com/brokerage-api/streaming/post-markets-events (HTTP streaming: https://stream.tradier.com,
    //   which also streams account events)
    // https://documentation.tradier.com/brokerage-api/streaming/wss-account-websocket (wss://ws.tradier.com;
    //   paper: wss://sandbox-ws.tradier.com)
    live: ['api.tradier.com', 'stream.tradier.com', 'ws.tradier.com'],
    paper: ['sandbox.tradier.com', 'sandbox-ws.tradier.com'],
    suggest: { 'ws.tradier.com': 'sandbox-ws.tradier.com' },
    docs: ['https://documentation.tradier.com/brokerage-api/overview/streaming'],
  },
  {
    name: 'Interactive Brokers',
    // https://ibkrcampus.com/ibkr-api-page/oauth-1a/ ("Instead of sending your requests to localhost:5000 as with the
    //   Client Portal API, requests should instead be directed to api.ibkr.com")
    // https://www.interactivebrokers.com/campus/ibkr-api-page/web-api/ (Web API production https://api.interactivebrokers.com,
    //   testing https://api.test.interactivebrokers.com)
    // Paper vs live at IBKR is chosen by the login (paper username), not by host: the Client Portal Gateway
    // (localhost:5000) and TWS / IB Gateway (ports 7496 live / 7497 paper) serve both, so they are not hosts this
    // rule can classify. The hosted Web API hosts below reach whatever account authenticates — live included.
    live: ['api.ibkr.com', 'api.interactivebrokers.com'],
    paper: ['api.test.interactivebrokers.com'],
    docs: ['https://ibkrcampus.com/ibkr-api-page/oauth-1a/', 'https://www.interactivebrokers.com/campus/ibkr-api-page/web-api/'],
  },
  {
    name: 'TradeStation',
    // https://api.tradestation.com/docs/fundamentals/sim-vs-live ("change your base-url from live url
    //   (https://api.tradestation.com/v3) to sim url: https://sim-api.tradestation.com/v3")
    live: ['api.tradestation.com'],
    paper: ['sim-api.tradestation.com'],
    docs: ['https://api.tradestation.com/docs/fundamentals/sim-vs-live'],
  },
  {
    name: 'Binance',
    // https://developers.binance.com/docs/binance-spot-api-docs/demo-mode (spot REST api, api-gcp, api1..api4.binance.com;
    //   WebSocket API ws-api.binance.com; streams stream.binance.com, stream-sbe.binance.com; demo equivalents
    //   demo-api, demo-ws-api, demo-stream, demo-stream-sbe.binance.com)
    // https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-api-information (data-api.binance.vision:
    //   public market data only)
    // https://developers.binance.com/docs/binance-spot-api-docs/testnet (testnet.binance.vision, ws-api.testnet.binance.vision,
    //   stream.testnet.binance.vision)
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info (fapi.binance.com; testnet
    //   https://testnet.binancefuture.com, wss://stream.binancefuture.com) and its websocket pages (fstream.binance.com,
    //   ws-fapi.binance.com); coin-margined-futures/general-info (dapi.binance.com, dstream.binance.com, demo-dapi)
    // https://developers.binance.com/en/docs/products/oms/basics/1.base-urls (Portfolio Margin: papi.binance.com)
    live: [
      'api.binance.com',
      'api-gcp.binance.com',
      'api1.binance.com',
      'api2.binance.com',
      'api3.binance.com',
      'api4.binance.com',
      'ws-api.binance.com',
      'stream.binance.com',
      'stream-sbe.binance.com',
      'fapi.binance.com',
      'fstream.binance.com',
      'ws-fapi.binance.com',
      'dapi.binance.com',
      'dstream.binance.com',
      'papi.binance.com',
    ],
    paper: [
      'testnet.binance.vision',
      'ws-api.testnet.binance.vision',
      'stream.testnet.binance.vision',
      'demo-api.binance.com',
      'demo-ws-api.binance.com',
      'demo-stream.binance.com',
      'demo-stream-sbe.binance.com',
      'testnet.binancefuture.com',
      'stream.binancefuture.com',
      'fstream.binancefuture.com',
      'demo-fapi.binance.com',
      'demo-fstream.binance.com',
      'demo-dapi.binance.com',
    ],
    market_data: ['data-api.binance.vision', 'data-stream.binance.vision'],
    suggest: {
      'ws-api.binance.com': 'ws-api.testnet.binance.vision',
      'stream.binance.com': 'stream.testnet.binance.vision',
      'fapi.binance.com': 'testnet.binancefuture.com',
      'fstream.binance.com': 'fstream.binancefuture.com',
      'dapi.binance.com': 'testnet.binancefuture.com',
      'dstream.binance.com': 'testnet.binancefuture.com',
    },
    docs: ['https://developers.binance.com/docs/binance-spot-api-docs/demo-mode'],
  },
  {
    name: 'Binance.US',
    // REST base https://api.binance.us as shipped by client libraries (nautilustrader.io, constant
    //   BINANCE_US_SPOT_HTTP_URL); https://docs.binance.us/ is the broker's reference. No public sandbox.
    live: ['api.binance.us'],
    paper: [],
    docs: ['https://docs.binance.us/'],
  },
  {
    name: 'Coinbase',
    // https://docs.cdp.coinbase.com/exchange/introduction/systems-operations (production: https://api.exchange.coinbase.com,
    //   wss://ws-feed.exchange.coinbase.com, wss://ws-direct.exchange.coinbase.com, FIX fix-ord/fix-md/fix-dc.exchange.coinbase.com;
    //   MiCA: api-us / ws-us / ws-us-direct / fix-us / fix-dc .dma.prime.coinbase.com)
    // https://docs.cdp.coinbase.com/exchange/introduction/sandbox (https://api-public.sandbox.exchange.coinbase.com,
    //   wss://ws-feed-public.sandbox.exchange.coinbase.com, wss://ws-direct.sandbox.exchange.coinbase.com, fix-ord.sandbox…)
    // Advanced Trade REST https://api.coinbase.com/api/v3/brokerage (docs.cdp.coinbase.com Advanced Trade API reference;
    //   also the base of the official SDKs and of docs.rs/digdigdig3 coinbase endpoints)
    // https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/sandbox (https://api-sandbox.coinbase.com/api/v3/brokerage)
    // https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-overview (advanced-trade-ws.coinbase.com,
    //   documented fail-over for the user channel, and advanced-trade-ws-user.coinbase.com: both carry user order data)
    // Legacy Coinbase Pro (api.pro.coinbase.com, ws-feed.pro.coinbase.com; sandbox api-public.sandbox.pro.coinbase.com,
    //   ws-feed-public.sandbox.pro.coinbase.com) as shipped in client libraries (docs.rs/cbpro, coinbase-pro-rs).
    live: [
      'api.coinbase.com',
      'api.exchange.coinbase.com',
      'ws-feed.exchange.coinbase.com',
      'ws-direct.exchange.coinbase.com',
      'fix-ord.exchange.coinbase.com',
      'fix-md.exchange.coinbase.com',
      'fix-dc.exchange.coinbase.com',
      'advanced-trade-ws.coinbase.com',
      'advanced-trade-ws-user.coinbase.com',
      'api-us.dma.prime.coinbase.com',
      'ws-us.dma.prime.coinbase.com',
      'ws-us-direct.dma.prime.coinbase.com',
      'fix-us.dma.prime.coinbase.com',
      'fix-dc.dma.prime.coinbase.com',
      'api.pro.coinbase.com',
      'ws-feed.pro.coinbase.com',
    ],
    paper: [
      'api-public.sandbox.exchange.coinbase.com',
      'ws-feed-public.sandbox.exchange.coinbase.com',
      'ws-direct.sandbox.exchange.coinbase.com',
      'fix-ord.sandbox.exchange.coinbase.com',
      'fix-md.sandbox.exchange.coinbase.com',
      'api-sandbox.coinbase.com',
      'api-public.sandbox.pro.coinbase.com',
      'ws-feed-public.sandbox.pro.coinbase.com',
    ],
    suggest: {
      'api.coinbase.com': 'api-sandbox.coinbase.com',
      'api.exchange.coinbase.com': 'api-public.sandbox.exchange.coinbase.com',
      'ws-feed.exchange.coinbase.com': 'ws-feed-public.sandbox.exchange.coinbase.com',
      'ws-direct.exchange.coinbase.com': 'ws-direct.sandbox.exchange.coinbase.com',
      'fix-ord.exchange.coinbase.com': 'fix-ord.sandbox.exchange.coinbase.com',
      'fix-md.exchange.coinbase.com': 'fix-md.sandbox.exchange.coinbase.com',
      'api.pro.coinbase.com': 'api-public.sandbox.exchange.coinbase.com',
      'ws-feed.pro.coinbase.com': 'ws-feed-public.sandbox.exchange.coinbase.com',
    },
    docs: ['https://docs.cdp.coinbase.com/exchange/introduction/systems-operations', 'https://docs.cdp.coinbase.com/exchange/introduction/sandbox'],
  },
  {
    name: 'Kraken',
    // https://docs.kraken.com/api/docs/guides/spot-rest-intro (spot REST https://api.kraken.com; no spot sandbox)
    // https://docs.kraken.com/exchange/api-reference/spot-websocket (public wss://ws.kraken.com, wss://beta-ws.kraken.com:
    //   market data; private wss://ws-auth.kraken.com, wss://beta-ws-auth.kraken.com: orders and executions)
    // https://support.kraken.com/articles/360024809011-api-testing-environment-derivatives ("the base URL is not
    //   futures.kraken.com but instead demo-futures.kraken.com")
    live: ['api.kraken.com', 'ws-auth.kraken.com', 'beta-ws-auth.kraken.com', 'futures.kraken.com'],
    paper: ['demo-futures.kraken.com'],
    market_data: ['ws.kraken.com', 'beta-ws.kraken.com'],
    suggest: { 'futures.kraken.com': 'demo-futures.kraken.com' },
    docs: ['https://docs.kraken.com/exchange/api-reference/spot-websocket', 'https://support.kraken.com/articles/360024809011-api-testing-environment-derivatives'],
  },
];
