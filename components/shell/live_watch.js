// Watches GET data.url every data.every_ms and sets the trigger "moved" when the watched fields
// differ from data.seen, so the server runs a script only when something changed. When the
// route does not answer (the app was started without serve.py), it triggers every tick and the
// server compares for itself, as a plain timer would. With data.spread_ms, a change is reported
// after a random delay up to that long, so a room of pages that all see one publish at once do
// not all ask the server for their (new, unbuilt) views in the same second.
export default function ({ data, setTriggerValue }) {
  let stopped = false;
  let quietUntil = 0; // after a trigger, wait for the rerun instead of firing again
  let pending = null; // a spread-out report on its way
  const fire = (value) => {
    quietUntil = Date.now() + 2 * data.every_ms;
    setTriggerValue("moved", value);
  };
  const tick = async () => {
    if (stopped || pending || document.hidden || Date.now() < quietUntil) return;
    let now = null;
    try {
      const response = await fetch(data.url, { cache: "no-store", credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        now = data.watch.map((field) => String(state[field])).join(":");
      }
    } catch (error) {
      now = null;
    }
    if (stopped) return;
    if (now === null) fire("?" + Date.now());
    else if (now !== data.seen && data.spread_ms) {
      pending = setTimeout(() => { pending = null; if (!stopped) fire(now); }, Math.random() * data.spread_ms);
    } else if (now !== data.seen) fire(now);
  };
  const timer = setInterval(tick, data.every_ms);
  // Something on screen expires (a banner): one run then, whatever the route says.
  const expiry = data.rerun_in_ms ? setTimeout(() => { if (!stopped) fire("expired"); }, data.rerun_in_ms) : null;
  const onVisible = () => { if (!document.hidden) tick(); };
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    stopped = true;
    clearInterval(timer);
    if (expiry) clearTimeout(expiry);
    if (pending) clearTimeout(pending);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
