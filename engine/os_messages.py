"""System errors (OSError) in French: the operating system's own texts (« Permission denied ») are English."""

from __future__ import annotations

import errno

_REASONS = {
    errno.EACCES: "droit d'accès refusé",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "est un dossier",
    errno.EEXIST: "existe déjà",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "trop de liens symboliques",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts sur le système",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EBUSY: "fichier ou périphérique occupé",
    errno.EXDEV: "déplacement impossible entre deux systèmes de fichiers",
    errno.EINVAL: "nom ou opération invalide",
    errno.ETXTBSY: "fichier en cours d'utilisation",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "quota disque dépassé"


def os_reason(exc: OSError, writing: bool = False) -> str:
    """Why the system refused, in French; « droit d'écriture refusé » rather than « droit d'accès refusé » when
    writing. Unknown errors give their number, never the system's English text."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "droit d'écriture refusé" if writing else "droit de lecture refusé"
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    name = errno.errorcode.get(exc.errno or 0)
    return f"erreur du système ({name})" if name else "erreur du système"
