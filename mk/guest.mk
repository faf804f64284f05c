# Placeholder: filled in by the guest work.
