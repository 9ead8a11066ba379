/**
 * Copy buttons (`<button data-copy="<element id>" hidden>`): the page works without script (the
 * value can be selected and copied by hand), so the button shows only once this script can
 * copy. It copies an input's value or an element's text, and says so in its label.
 */
for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-copy]")) {
  const target = document.getElementById(button.dataset.copy ?? "");
  if (!target || !navigator.clipboard) continue;
  const label = button.textContent ?? "Copy";
  button.hidden = false;
  button.addEventListener("click", () => {
    const text = target instanceof HTMLInputElement ? target.value : (target.textContent ?? "");
    navigator.clipboard.writeText(text).then(
      () => (button.textContent = "Copied"),
      () => (button.textContent = "Copy failed: select the text instead"),
    );
    window.setTimeout(() => (button.textContent = label), 2_000);
  });
}
