"""What every part of the window shares: formatting, the theme, the icon, the error panel."""
