package ui

// pager is the top page as a pager (zero when the top is not one).
func (m Model) pager() pagerPage {
	p, _ := m.pages.top().(pagerPage)
	return p
}
