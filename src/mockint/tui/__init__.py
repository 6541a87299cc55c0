"""The Textual app: screens render and delegate to the domain; slow work runs in workers."""
