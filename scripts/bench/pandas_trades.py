"""pandas side of `npm run bench`: load the same sample file, taker flow, 1 s OHLCV bars, VWAP.

Reads every line with json.loads (what the raw frames need: the payload is nested), keeps the
`trade` payloads, builds a DataFrame and computes what the library computes. Prints one JSON
line: timings (ms), peak RSS (MiB) and the answers, for the bench to compare.
Usage: python3 scripts/bench/pandas_trades.py <sample.jsonl>
"""
import json
import resource
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402

t_import = time.perf_counter()
rows = {"T": [], "p": [], "q": [], "m": []}
with open(sys.argv[1], "rb") as f:
    for line in f:
        line = line.rstrip(b",\r\n")
        if not line.startswith(b"{"):
            continue
        message = json.loads(line)
        data = message.get("data") if "stream" in message else None
        if not isinstance(data, dict) or data.get("e") != "trade":
            continue
        rows["T"].append(data["T"])
        rows["p"].append(data["p"])
        rows["q"].append(data["q"])
        rows["m"].append(data["m"])
df = pd.DataFrame(rows)
df["p"] = df["p"].astype("float64")
df["q"] = df["q"].astype("float64")
del rows
t_load = time.perf_counter()

df["notional"] = df["p"] * df["q"]
sell = df["m"]
buy_notional = float(df.loc[~sell, "notional"].sum())
sell_notional = float(df.loc[sell, "notional"].sum())
df["open_time"] = (df["T"] // 1000) * 1000
df["buy_q"] = df["q"].where(~sell, 0.0)
df["sell_q"] = df["q"].where(sell, 0.0)
g = df.groupby("open_time", sort=True)
bars = g.agg(
    open=("p", "first"), high=("p", "max"), low=("p", "min"), close=("p", "last"),
    volume=("q", "sum"), quoteVolume=("notional", "sum"), buyVolume=("buy_q", "sum"), sellVolume=("sell_q", "sum"),
    tradeCount=("p", "size"),
)
vwap = float(df["notional"].sum() / df["q"].sum())
t_done = time.perf_counter()

print(json.dumps({
    "version": pd.__version__,
    "rows": int(len(df)),
    "importMs": (t_import - t0) * 1000,
    "loadMs": (t_load - t_import) * 1000,
    "analysisMs": (t_done - t_load) * 1000,
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "buyNotional": buy_notional,
    "sellNotional": sell_notional,
    "buySellRatioPercent": buy_notional / sell_notional * 100 if sell_notional else None,
    "vwap": vwap,
    "bars": int(len(bars)),
    "closeSum": float(bars["close"].sum()),
    "volumeSum": float(bars["volume"].sum()),
    "quoteVolumeSum": float(bars["quoteVolume"].sum()),
    "buyVolumeSum": float(bars["buyVolume"].sum()),
    "highMax": float(bars["high"].max()),
}))
