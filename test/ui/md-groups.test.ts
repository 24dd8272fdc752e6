import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { MdGroupCreate } from '../../src/ui/md-group-create.js';
import { MdGroupInfo } from '../../src/ui/md-group-info.js';
import { ME, XSS, makeChannel, mount } from './fake-api.js';

const contacts = [
  { pub: 'pb', name: 'Bob', safetyNumber: '1', channelId: 'c1', verified: false },
  { pub: 'pc', name: 'Carol', safetyNumber: '2', channelId: 'c2', verified: false },
  { pub: 'pd', name: XSS, safetyNumber: '3', channelId: 'c3', verified: false },
];

describe('md-group-create', () => {
  afterEach(() => document.body.replaceChildren());

  it('requires a name and at least one member, then emits create-group', async () => {
    const el = await mount(new MdGroupCreate());
    el.contacts = contacts;
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('img')).to.equal(null);
    let detail: { title: string; members: string[] } | undefined;
    el.addEventListener('create-group', (e) => (detail = (e as CustomEvent<{ title: string; members: string[] }>).detail));
    const submit = root.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    submit.click();
    await el.updateComplete;
    expect(root.querySelector('[data-testid="group-error"]')!.textContent).to.contain('name');
    root.querySelector<HTMLInputElement>('#title')!.value = 'Climbing';
    submit.click();
    await el.updateComplete;
    expect(root.querySelector('[data-testid="group-error"]')!.textContent).to.contain('at least one');
    root.querySelector<HTMLInputElement>('[data-testid="member-choice"][value="pb"]')!.click();
    root.querySelector<HTMLInputElement>('[data-testid="member-choice"][value="pc"]')!.click();
    submit.click();
    expect(detail).to.deep.equal({ title: 'Climbing', members: ['pb', 'pc'] });
  });
});

describe('md-group-info', () => {
  afterEach(() => document.body.replaceChildren());

  const group = makeChannel({
    id: 'g1',
    kind: 'group',
    title: 'Team',
    admin: ME,
    isAdmin: true,
    members: [
      { pub: 'pb', name: 'Bob' },
      { pub: 'pc', name: 'Carol' },
    ],
  });

  it('shows members with the admin badge; the admin removes a member after confirming', async () => {
    const el = await mount(new MdGroupInfo());
    el.channel = group;
    el.contacts = contacts;
    el.myPub = ME;
    el.myName = 'Me';
    await el.updateComplete;
    const root = el.shadowRoot!;
    const rows = root.querySelectorAll('[data-testid="group-member"]');
    expect(rows.length).to.equal(3);
    expect(rows[0]!.textContent).to.contain('(you)');
    expect(rows[0]!.querySelector('.badge')!.textContent).to.equal('admin');
    let removed: { channelId: string; pub: string } | undefined;
    el.addEventListener('remove-member', (e) => (removed = (e as CustomEvent<{ channelId: string; pub: string }>).detail));
    root.querySelector<HTMLButtonElement>('[data-pub="pc"] button')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const confirm = root.querySelector('[data-testid="confirm"]')!;
    expect(confirm.getAttribute('role')).to.equal('alertdialog');
    expect(confirm.textContent).to.contain('Remove Carol');
    expect(removed).to.equal(undefined);
    // Focus moves to the confirming button so keyboard users land on the decision.
    expect(root.activeElement).to.equal(confirm.querySelector('button.danger'));
    // Escape cancels; nothing is removed.
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(root.querySelector('[data-testid="confirm"]')).to.equal(null);
    expect(removed).to.equal(undefined);
    expect(root.activeElement).to.equal(root.querySelector('[data-pub="pc"] button'), 'focus back on Remove');
    root.querySelector<HTMLButtonElement>('[data-pub="pc"] button')!.click();
    await el.updateComplete;
    // Enter on the focused confirm button removes.
    await sendKeys({ press: 'Enter' });
    expect(removed).to.deep.equal({ channelId: 'g1', pub: 'pc' });
  });

  it('lets the admin add contacts who are not members yet', async () => {
    const el = await mount(new MdGroupInfo());
    el.channel = group;
    el.contacts = contacts;
    el.myPub = ME;
    await el.updateComplete;
    const boxes = el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[name="add"]');
    expect([...boxes].map((b) => b.value)).to.deep.equal(['pd']);
    let added: string[] = [];
    el.addEventListener('add-members', (e) => (added = (e as CustomEvent<{ pubs: string[] }>).detail.pubs));
    boxes[0]!.click();
    el.shadowRoot!.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click();
    expect(added).to.deep.equal(['pd']);
  });

  it('a member sees no admin controls but can leave after confirming; cancel does nothing', async () => {
    const el = await mount(new MdGroupInfo());
    el.channel = { ...group, admin: 'pb', isAdmin: false };
    el.myPub = ME;
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelectorAll('[data-testid="group-member"] button').length).to.equal(0);
    expect(root.querySelector('input[name="add"]')).to.equal(null);
    let left = 0;
    el.addEventListener('leave-group', () => left++);
    const leave = [...root.querySelectorAll('button')].find((b) => b.textContent!.includes('Leave group'))!;
    leave.click();
    await el.updateComplete;
    root.querySelector<HTMLButtonElement>('[data-testid="confirm"] button.secondary')!.click();
    await el.updateComplete;
    expect(left).to.equal(0);
    expect(root.querySelector('[data-testid="confirm"]')).to.equal(null);
    leave.click();
    await el.updateComplete;
    root.querySelector<HTMLButtonElement>('[data-testid="confirm"] button.danger')!.click();
    expect(left).to.equal(1);
  });
});
