"""The portal's own locale formats (FORMAT_MODULE_PATH): English dates day first, as in Europe."""
