// Loaded as a module, so it runs only in browsers GOV.UK Frontend supports.
// Kept out of the page itself: the Content Security Policy allows no inline script.
import { initAll } from '/static/govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// Preparing an extract: selecting words in the review's text fills in the "Add a redaction"
// form with exactly that passage. Without JavaScript the form redacts every occurrence.
const redactionForm = document.querySelector('[data-module="app-redaction-form"]')
if (redactionForm) {
  const field = (name) => redactionForm.querySelector(`[name="${name}"]`)
  const offsetIn = (container, node, offset) => {
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT)
    let total = 0
    while (walker.nextNode()) {
      if (walker.currentNode === node) return total + offset
      total += walker.currentNode.textContent.length
    }
    return -1
  }
  document.addEventListener('mouseup', () => {
    const selection = window.getSelection()
    if (!selection || selection.isCollapsed || selection.rangeCount !== 1) return
    const range = selection.getRangeAt(0)
    const start = range.startContainer.parentElement?.closest('.app-review-text[data-section]')
    const end = range.endContainer.parentElement?.closest('.app-review-text[data-section]')
    if (!start || start !== end) return
    const from = offsetIn(start, range.startContainer, range.startOffset)
    const to = offsetIn(start, range.endContainer, range.endOffset)
    if (from < 0 || to <= from) return
    field('section').value = start.dataset.section
    field('start').value = String(from)
    field('end').value = String(to)
    field('fragment').value = range.toString()
  })
  field('fragment').addEventListener('input', () => {
    for (const name of ['section', 'start', 'end']) field(name).value = ''
  })
}

// A job's progress page: without JavaScript the person presses "Check again"; with it, the
// page asks itself every few seconds, updates the status (announced politely to screen
// readers) and moves on once the job has ended.
const progress = document.querySelector('[data-module="app-job-progress"]')
if (progress) {
  const status = progress.querySelector('[role="status"]')
  const every = Number(progress.dataset.refreshSeconds) * 1000
  const check = async () => {
    // ?poll: a finished job's page then stays put, and says where to go only when reloaded.
    const response = await fetch(`${window.location.pathname}?poll`)
    if (!response.ok) return setTimeout(check, every * 5)
    const page = new DOMParser().parseFromString(await response.text(), 'text/html')
    const now = page.querySelector('[data-module="app-job-progress"] [role="status"]')
    if (!now) return window.location.reload()
    if (now.textContent !== status.textContent) status.replaceChildren(...now.childNodes)
    setTimeout(check, every)
  }
  setTimeout(check, every)
}
