// The orientation sheet's Print button.
document.getElementById('print')?.addEventListener('click', () => window.print());
