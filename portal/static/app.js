// Loaded as a module, so it runs only in browsers GOV.UK Frontend supports.
// Kept out of the page itself: the Content Security Policy allows no inline script.
import { initAll } from '/static/govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
