# Placeholder: filled in by the fdt work.
