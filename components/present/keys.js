// The projector tab's keyboard: arrows and Page Up/Down move, the space bar pauses or plays, as
// a presenter's clicker sends them. Each press sets the trigger "pressed"; typing in a field is left alone.
const KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous", " ": "toggle" };

export default function ({ setTriggerValue }) {
  const onKey = (event) => {
    const action = KEYS[event.key];
    if (!action || event.repeat || event.target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    setTriggerValue("pressed", action + ":" + Date.now());
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}
