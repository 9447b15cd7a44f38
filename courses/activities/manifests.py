"""What an e-learning package's manifest says: its kind (SCORM 1.2, SCORM 2004
or H5P), its title and the file a player launches, each refusal a
:class:`PackageError` naming the problem.

- ``imsmanifest.xml`` (SCORM) is parsed with defusedxml, which refuses entity
  declarations and outside references (the "billion laughs" and XXE tricks). The
  version comes from ``<schemaversion>`` ("1.2"; "2004 3rd Edition", "2004 4th
  Edition", "CAM 1.3"), else from ADL's namespace. The launch file is that of the
  first item of the default organisation whose resource is a SCO, under the
  ``xml:base`` of the manifest, its resources and the resource.
- ``h5p.json`` (H5P) needs its title, main library and dependencies; the content
  (``content/content.json``) and the main library's ``library.json`` must be in
  the package and be JSON. A player starts from ``h5p.json``.

The archive itself (its names, sizes, file types) is checked in ``packages.py``,
which hands this module the package's names and a way to read one file.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from django.utils.translation import gettext as _

from courses.activities.errors import PackageError
from courses.activities.models import Package

SCORM_MANIFEST = "imsmanifest.xml"
H5P_MANIFEST = "h5p.json"
H5P_CONTENT = "content/content.json"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
_ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"


def read_manifest(
    read: Callable[[str], bytes], names: set[str]
) -> tuple[str, str, str]:
    """The package's kind, title and launch file, from its manifest: ``names``
    are the package's files, ``read(name)`` one file's bytes."""
    scorm, h5p = SCORM_MANIFEST in names, H5P_MANIFEST in names
    if scorm and h5p:
        raise PackageError(
            _(
                "The package has both imsmanifest.xml and h5p.json at its top level, "
                "so it is not clear whether it is SCORM or H5P."
            )
        )
    if scorm:
        return _read_scorm(read(SCORM_MANIFEST), names)
    if h5p:
        return _read_h5p(read, names)
    raise PackageError(
        _(
            "The package has neither imsmanifest.xml (SCORM) nor h5p.json (H5P) at "
            "its top level. If one is inside a folder, zip that folder's contents "
            "instead of the folder."
        )
    )


# SCORM -----------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by its local name, in whichever namespace it was written."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def _read_scorm(data: bytes, names: set[str]) -> tuple[str, str, str]:
    try:
        root = parse_xml(data)
    except DefusedXmlException:
        raise PackageError(
            _(
                "imsmanifest.xml declares XML entities or refers to outside files, "
                "which a package may not do."
            )
        ) from None
    except ParseError as error:
        raise PackageError(
            _("imsmanifest.xml is not well-formed XML (line %(line)s).")
            % {"line": error.position[0]}
        ) from None
    if _local(root.tag) != "manifest":
        raise PackageError(
            _(
                "imsmanifest.xml is not a SCORM manifest: its top element is "
                "“%(tag)s”, not “manifest”."
            )
            % {"tag": _local(root.tag)}
        )
    kind = _scorm_version(root)
    organisation = _default_organisation(root)
    resources = {
        _attribute(resource, "identifier"): resource
        for holder in _children(root, "resources")
        for resource in _children(holder, "resource")
    }
    launch = _scorm_launch(root, organisation, resources)
    if launch not in names:
        raise PackageError(
            _(
                "The launch file “%(name)s” named in imsmanifest.xml is not in the package."
            )
            % {"name": launch}
        )
    titles = _children(organisation, "title")
    title = (titles[0].text or "").strip() if titles else ""
    return kind, title, launch


def _scorm_version(root: Element) -> str:
    """SCORM 1.2 or 2004, from ``<schemaversion>`` or else the ADL namespace."""
    versions = [
        (element.text or "").strip().lower()
        for element in root.iter()
        if _local(element.tag) == "schemaversion"
    ]
    for version in versions:
        if version == "1.2":
            return Package.Kind.SCORM_12
        if version.startswith("2004") or version == "cam 1.3":
            return Package.Kind.SCORM_2004
    namespaces = {
        key.split("}")[0].lstrip("{")
        for element in root.iter()
        for key in [element.tag, *element.attrib]
        if key.startswith("{")
    }
    if _ADLCP_2004 in namespaces:
        return Package.Kind.SCORM_2004
    if _ADLCP_12 in namespaces:
        return Package.Kind.SCORM_12
    raise PackageError(
        _(
            "imsmanifest.xml does not say whether the package is SCORM 1.2 or SCORM "
            "2004 (it has no schemaversion the player knows, nor ADL's namespace)."
        )
    )


def _default_organisation(root: Element) -> Element:
    holders = _children(root, "organizations")
    organisations = [o for h in holders for o in _children(h, "organization")]
    if not organisations:
        raise PackageError(
            _(
                "imsmanifest.xml has no organisation, so the package has nothing for "
                "learners to open."
            )
        )
    default = _attribute(holders[0], "default")
    if not default:
        return organisations[0]
    for organisation in organisations:
        if _attribute(organisation, "identifier") == default:
            return organisation
    raise PackageError(
        _(
            "imsmanifest.xml names “%(id)s” as its default organisation, but has no "
            "organisation of that identifier."
        )
        % {"id": default}
    )


def _scorm_launch(
    root: Element, organisation: Element, resources: dict[str | None, Element]
) -> str:
    """The file of the first item of ``organisation`` that launches a SCO, with
    the ``xml:base`` of the manifest, its resources and the resource honoured."""
    for item in organisation.iter():
        reference = _attribute(item, "identifierref")
        if _local(item.tag) != "item" or not reference:
            continue
        resource = resources.get(reference)
        if resource is None:
            raise PackageError(
                _(
                    "An item of imsmanifest.xml refers to the resource “%(id)s”, "
                    "which the manifest does not have."
                )
                % {"id": reference}
            )
        href = resource.get("href")
        if (_attribute(resource, "scormtype") or "").lower() != "sco" or not href:
            continue
        holder = _children(root, "resources")[0]
        bases = [e.get(_XML_BASE, "") for e in (root, holder, resource)]
        return _resolve(bases, href)
    raise PackageError(
        _(
            "The default organisation of imsmanifest.xml has no item that launches a "
            "SCO, so there is nothing for learners to play."
        )
    )


def _resolve(bases: list[str], href: str) -> str:
    """The package path of ``href`` under the nested ``xml:base`` values (a URL
    path, so decoded; its query and fragment are the player's business)."""
    path = ""
    for part in [*bases, href]:
        part = unquote(urlsplit(part).path)
        if not part:
            continue
        path = part if part.startswith("/") else posixpath.join(path, part)
    return posixpath.normpath(path).lstrip("/") if path else ""


# H5P -------------------------------------------------------------------------------


def _read_json(read: Callable[[str], bytes], name: str) -> object:
    try:
        return json.loads(read(name))
    except (UnicodeDecodeError, ValueError):
        raise PackageError(_("%(name)s is not valid JSON.") % {"name": name}) from None


def _read_h5p(read: Callable[[str], bytes], names: set[str]) -> tuple[str, str, str]:
    manifest = _read_json(read, H5P_MANIFEST)
    if not isinstance(manifest, dict):
        raise PackageError(_("%(name)s is not valid JSON.") % {"name": H5P_MANIFEST})
    expected = {"title": str, "mainLibrary": str, "preloadedDependencies": list}
    for field, kind in expected.items():
        if not isinstance(manifest.get(field), kind) or not manifest[field]:
            raise PackageError(
                _("h5p.json lacks “%(field)s”, which every H5P package has.")
                % {"field": field}
            )
    if H5P_CONTENT not in names:
        raise PackageError(
            _(
                "The package has no content/content.json, the file that holds an "
                "H5P package's content."
            )
        )
    _read_json(read, H5P_CONTENT)
    library = _main_library_file(manifest)
    if library not in names:
        raise PackageError(
            _(
                "The package lacks its main library (“%(name)s”). Export the H5P "
                "content with its libraries."
            )
            % {"name": library}
        )
    _read_json(read, library)
    return Package.Kind.H5P, manifest["title"].strip(), H5P_MANIFEST


def _main_library_file(manifest: dict) -> str:
    """``<machineName>-<major>.<minor>/library.json`` of the main library."""
    main = manifest["mainLibrary"]
    for dependency in manifest["preloadedDependencies"]:
        if isinstance(dependency, dict) and dependency.get("machineName") == main:
            major, minor = (dependency.get(k) for k in ("majorVersion", "minorVersion"))
            if isinstance(major, int) and isinstance(minor, int):
                return f"{main}-{major}.{minor}/library.json"
    raise PackageError(
        _(
            "h5p.json's main library “%(library)s” is not among its "
            "preloadedDependencies with a version, so the player cannot load it."
        )
        % {"library": main}
    )
