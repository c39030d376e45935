"""Reading PDFs: guards, the pypdfium2 pre-pass, pdfplumber layout, crops."""
