/** The TOTP set-up's QR code as an inline SVG: one path of dark squares inside the 4-module quiet zone. */
import { encodeQr } from './qr.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An `<svg role="img">` of `uri`'s QR code, labelled `label`; `data-size`, `data-mask` and `data-modules` let tests read it back. */
export function totpQrCode(uri: string, label: string): SVGSVGElement {
  const { size, mask, modules } = encodeQr(uri);
  const svg = document.createElementNS(SVG, 'svg');
  const extent = size + 8;
  svg.setAttribute('viewBox', `0 0 ${extent} ${extent}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.dataset.size = String(size);
  svg.dataset.mask = String(mask);
  svg.dataset.modules = modules.map((row) => row.map((dark) => (dark ? '1' : '0')).join('')).join('');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(extent));
  background.setAttribute('height', String(extent));
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  let d = '';
  modules.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x + 4} ${y + 4}h1v1h-1z`)));
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  return svg;
}
