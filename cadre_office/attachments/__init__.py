"""One store of attached files for every app (备案材料, 选拔任用材料 …), in the base layer.

An owner (any model) holds attachments through a generic relation. Uploads are checked on their
content (``content.sniff``), never on their name alone; files are stored under ``MEDIA_ROOT`` with
a random name; downloads go through ``download_response`` after the owner's app says who may see
its owners (``registry``), and every download is audited.
"""
