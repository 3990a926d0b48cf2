"""Patient-handbook builder: content/ (Markdown + YAML) → validated model → HTML → PDF.

Modules, in pipeline order (each imports only earlier ones):
errors, sources → model → content → markdown_blocks → html → pdf → output → pipeline → cli
"""

__version__ = "0.1.0"
