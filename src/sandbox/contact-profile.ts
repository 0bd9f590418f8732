import { jidDecode, type BinaryNode } from '@whiskeysockets/baileys';
import { createHash } from 'node:crypto';
import { lidJid, pnJid, type SandboxContext } from './context';
import { DEFAULT_IMAGE } from './contact-media';
import { isAccount, resolveUser } from './outbound';
import type { Account, Contact } from './sandbox-store';

const children = (node: BinaryNode | undefined): BinaryNode[] =>
  Array.isArray(node?.content) ? node.content : [];

/**
 * What WhatsApp answers about contacts' profiles and the account's block list:
 * - `<iq xmlns="w:profile:picture" type="get" target=JID><picture type="image|preview" query="url"/></iq>`:
 *   `<picture id url direct_path type/>` for a contact with a picture, else an `<error code="404"
 *   text="item-not-found"/>` iq (Baileys' profilePictureUrl throws it);
 * - `<iq xmlns="blocklist" type="get"/>`: `<list><item jid=LID pn_jid=PN/>…</list>`;
 * - `<iq xmlns="blocklist" type="set"><item action="block|unblock" jid=LID [pn_jid=PN]/></iq>` (Baileys 7
 *   names the person by LID, and gives the phone number when blocking): recorded on the account.
 * The picture files are served by the media host (kept in memory, put there again after a restart).
 */
export class ContactProfiles {
  private readonly served = new Map<string, string>();

  constructor(private readonly ctx: SandboxContext) {}

  /** Gives the contact a profile picture (a new id each time), or takes it away. */
  setPicture(contact: Contact, has: boolean): void {
    if (has)
      contact.picture = createHash('sha1')
        .update(`${contact.phone}:${Date.now()}:${Math.random()}`)
        .digest('hex')
        .slice(0, 16);
    else delete contact.picture;
    this.ctx.store.markDirty();
  }

  /** The answer to a `w:profile:picture` get: the `<picture>` child, or null for item-not-found. */
  picture(iq: BinaryNode): BinaryNode | null {
    const decoded = iq.attrs.target ? jidDecode(iq.attrs.target) : undefined;
    const owner = decoded ? resolveUser(this.ctx, decoded.user, decoded.server) : undefined;
    if (!owner || isAccount(owner) || !owner.picture) return null;
    const type = children(iq)[0]?.attrs.type ?? 'preview';
    const directPath = this.pathOf(owner.picture);
    return {
      tag: 'picture',
      attrs: { id: owner.picture, type, url: this.ctx.media.url(directPath), direct_path: directPath },
    };
  }

  /** The account's block list, each person by LID with the phone number. */
  blocklist(account: Account): BinaryNode {
    const items = (account.blocked ?? []).map((phone) => ({
      tag: 'item',
      attrs: { jid: lidJid(this.ctx.store.contact(phone).lid), pn_jid: pnJid(phone) },
    }));
    return { tag: 'list', attrs: {}, content: items };
  }

  /** A `blocklist` set iq; answers false when it names nobody the sandbox knows. */
  updateBlocklist(account: Account, iq: BinaryNode): boolean {
    const item = children(iq).find((c) => c.tag === 'item');
    const decoded = item?.attrs.jid ? jidDecode(item.attrs.jid) : undefined;
    const owner = decoded ? resolveUser(this.ctx, decoded.user, decoded.server) : undefined;
    if (!item || !owner || isAccount(owner)) return false;
    const blocked = new Set(account.blocked ?? []);
    if (item.attrs.action === 'block') blocked.add(owner.phone);
    else if (item.attrs.action === 'unblock') blocked.delete(owner.phone);
    else return false;
    account.blocked = [...blocked];
    this.ctx.store.markDirty();
    this.ctx.events.emit('blocklist', {
      account: account.phone,
      contact: owner.phone,
      action: item.attrs.action,
    });
    return true;
  }

  isBlocked(account: Account, contactPhone: string): boolean {
    return account.blocked?.includes(contactPhone) ?? false;
  }

  /** The media host's path of a picture (put there on first use after a start). */
  private pathOf(pictureId: string): string {
    let path = this.served.get(pictureId);
    if (!path || !this.ctx.media.get(path)) {
      path = this.ctx.media.put(DEFAULT_IMAGE);
      this.served.set(pictureId, path);
    }
    return path;
  }
}
