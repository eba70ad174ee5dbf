"""What vendors call each product and company field, in the languages their pages use.

One table, read by every parser: English, Chinese, German, Polish, Spanish, French, Russian and
Portuguese labels for the fields of a listing and of a company. `field_of(label)` tells which
field a label names ("CAS-Nr.:" -> "cas", "纯度" -> "purity"); nothing here touches a page.
"""

from __future__ import annotations

import functools
import re

LABELS: dict[str, tuple[str, ...]] = {
    "cas": ("cas", "cas no", "cas number", "cas nr", "cas rn", "cas-nr", "cas-no", "cas #",
            "cas-nummer", "cas nummer", "numer cas", "nr cas", "número cas", "n° cas", "nº cas",
            "no cas", "numéro cas", "номер cas", "cas номер", "cas号", "cas 号", "cas编号",
            "cas登录号", "cas no.", "cas registry number", "cas-номер"),
    "name": ("product name", "product", "name", "chemical name", "item name", "produktname",
             "produkt", "bezeichnung", "artikelname", "nazwa", "nazwa produktu", "nombre",
             "nombre del producto", "producto", "nom", "nom du produit", "produit",
             "наименование", "название", "продукт", "nome", "nome do produto", "produto",
             "品名", "产品名称", "中文名称", "名称", "商品名称", "英文名称", "中文名"),
    "synonyms": ("synonyms", "synonym", "other names", "alias", "aliases", "synonyme",
                 "synonimy", "inne nazwy", "sinónimos", "synonymes", "синонимы", "sinônimos",
                 "别名", "英文别名", "中文别名"),
    "purity": ("purity", "assay", "content", "grade", "reinheit", "gehalt", "qualität",
               "czystość", "zawartość", "gatunek", "pureza", "riqueza", "pureté", "teneur",
               "чистота", "содержание", "основного вещества", "纯度", "含量", "级别", "等级"),
    "price": ("price", "unit price", "our price", "preis", "stückpreis", "cena", "cena brutto",
              "precio", "prix", "цена", "стоимость", "preço", "价格", "单价", "参考价", "报价",
              "售价", "摩贝参考价"),
    "quantity": ("package", "packaging", "packing", "pack size", "pack", "size", "quantity",
                 "unit size", "volume", "weight", "net weight", "inhalt", "packung",
                 "packungsgröße", "gebinde", "menge", "opakowanie", "pojemność", "waga",
                 "envase", "presentación", "tamaño", "contenido", "conditionnement",
                 "contenance", "фасовка", "упаковка", "объем", "вес", "embalagem", "tamanho",
                 "规格", "包装", "包装规格", "净含量"),
    "min_order": ("moq", "min. order", "min order", "minimum order", "minimum order quantity",
                  "mindestbestellmenge", "mindestmenge", "minimalne zamówienie",
                  "pedido mínimo", "cantidad mínima", "commande minimum", "quantité minimum",
                  "минимальный заказ", "мин. заказ", "pedido mínimo", "quantidade mínima",
                  "起订量", "最小起订量", "起订"),
    "stock": ("availability", "stock", "in stock", "stock status", "verfügbarkeit",
              "lieferbarkeit", "lagerbestand", "dostępność", "disponibilidad", "existencias",
              "disponibilité", "наличие", "disponibilidade", "estoque", "库存", "货期", "现货"),
    "formula": ("formula", "molecular formula", "mf", "chemical formula", "summenformel",
                "wzór", "wzór sumaryczny", "fórmula", "formule", "формула", "分子式"),
    "sku": ("sku", "product code", "catalog number", "catalogue number", "cat. no", "item no",
            "artikelnummer", "art.-nr", "kod produktu", "numer katalogowy", "referencia",
            "référence", "артикул", "código", "货号", "产品编号"),
    "phone": ("tel", "telephone", "phone", "mobile", "cell", "hotline", "call us", "telefon",
              "handy", "tel.", "telefono", "teléfono", "móvil", "téléphone", "portable",
              "телефон", "тел", "моб", "telefone", "celular", "电话", "联系电话", "手机",
              "座机", "热线", "服务热线", "咨询热线"),
    "email": ("email", "e-mail", "mail", "correo", "courriel", "почта", "邮箱", "电子邮箱",
              "电子邮件"),
    "address": ("address", "adresse", "anschrift", "adres", "dirección", "адрес", "endereço",
                "morada", "地址", "公司地址"),
    "company": ("company", "company name", "supplier", "manufacturer", "firma", "unternehmen",
                "empresa", "société", "entreprise", "компания", "организация", "公司",
                "公司名称", "供应商", "厂家"),
    "fax": ("fax", "telefax", "传真", "факс"),
}

# Numbers that look like phones but register a business or a website: never a phone.
REGISTRATION = re.compile(
    r"icp\s*备|icp证|icp\s*license|京icp|沪icp|粤icp|浙icp|苏icp|鲁icp|营业执照|统一社会信用代码|"
    r"工商注册|许可证|备案号|公网安备|\bvat\b|\bust-?id|\bnip\b|\bregon\b|\bkrs\b|\bein\b|"
    r"\bsiret\b|\bsiren\b|\bcnpj\b|\bинн\b|\bогрн\b|\bкпп\b|reg(?:istration|\.)?\s*no|"
    r"company\s*(?:no|number|reg)|handelsregister|\bhrb\b|\babn\b|\bgst\b|licen[cs]e",
    re.I,
)

_NOT_PACK = re.compile(r"gross|transport|shipping|dimension|carton|毛重|外箱|运输", re.I)
_TRIM = re.compile(r"^[\s*•·:：\-–—]+|[\s*•·:：\-–—.]+$")
_INDEX: dict[str, str] = {
    _TRIM.sub("", term.lower()): field for field, terms in LABELS.items() for term in terms
}


_BY_LENGTH = sorted(((t, fld) for t, fld in _INDEX.items() if len(t) > 2),
                    key=lambda kv: -len(kv[0]))  # longest term first
_BY_PREFIX: dict[str, list[tuple[str, str]]] = {}  # the same, bucketed by their first 3 chars
for _term, _field in _BY_LENGTH:
    _BY_PREFIX.setdefault(_term[:3], []).append((_term, _field))


# _TRIM as str.strip characters (a long list reads a label on every line): what `\s` matches (no
# whitespace character lies past U+3000; tests check) and the marks around labels.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_LEADING, _TRAILING = _WHITESPACE + "*•·:：-–—", _WHITESPACE + "*•·:：-–—."
_SPACES = re.compile(r"\s+")


def norm_label(label: str | None) -> str:
    """A label as the table keys it: lower case, no trailing colon, dot, star or bullet."""
    return _SPACES.sub(" ", (label or "").lower().lstrip(_LEADING).rstrip(_TRAILING))


@functools.lru_cache(maxsize=131072)  # labels repeat on every card; pages are read twice
def field_of(label: str | None) -> str | None:
    """The field a label names, or None. Exact matches first, then a label that begins with a
    known term followed by a qualifier ("cas no. (anhydrous)", "price (incl. vat)")."""
    key = norm_label(label)
    if not key or len(key) > 40:
        return None
    field = _INDEX.get(key) or next((f for term, f in _BY_PREFIX.get(key[:3], ())
                                     if key.startswith(term) and not key[len(term)].isalnum()),
                                    None)
    if field == "quantity" and _NOT_PACK.search(key):
        return None  # a shipment's gross weight or carton size is not the offer's pack size
    return field
