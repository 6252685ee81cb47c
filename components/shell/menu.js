// Phones: the side menu closes once a page is chosen (or a login went through), and the button
// that opens it says what it is ("Menú") beside its arrow. Desktop widths are left alone.
const PHONE = "(max-width: 767.98px)"; // where Streamlit lays the sidebar over the page
const LABEL_CLASS = "encuentro-menu-label";

export default function ({ data }) {
  const onPhone = () => window.matchMedia(PHONE).matches;
  const close = () => {
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (button && onPhone()) button.click();
  };
  const onClick = (event) => {
    if (event.target.closest('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')) {
      setTimeout(close, 0); // after the link has started the page change
    }
  };
  const label = () => {
    const button = document.querySelector('[data-testid="stExpandSidebarButton"]');
    if (!button) return;
    if (button.getAttribute("aria-label") !== data.label) {
      button.setAttribute("aria-label", data.label);
      button.title = data.label;
    }
    let text = button.querySelector("." + LABEL_CLASS);
    if (!text) {
      text = document.createElement("span");
      text.className = LABEL_CLASS;
      Object.assign(text.style, { marginLeft: "0.25rem", fontSize: "1rem", fontWeight: "600" });
      button.appendChild(text);
    }
    if (text.textContent !== data.label) text.textContent = data.label;
  };
  document.addEventListener("click", onClick, true);
  const observer = new MutationObserver(label); // the button is drawn again as the sidebar toggles
  observer.observe(document.body, { childList: true, subtree: true });
  label();
  if (data.close) setTimeout(close, 0);
  return () => {
    document.removeEventListener("click", onClick, true);
    observer.disconnect();
  };
}
