"""Patient-handbook builder: content/ (Markdown + YAML) → validated model → HTML → PDF.

Modules, in pipeline order (each imports only earlier ones):
errors, model → sources, body → content → markdown_blocks, readability → html, report
→ pdf, impose, output, freshness → pipeline → partitioned → watch → preview → cli
"""

__version__ = "0.1.0"
