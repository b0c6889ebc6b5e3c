"""The vendor's workspace: the portal's first page, drawing on purchasing and consignment alike."""
