// bench/import_gen.mjs ghost|wxr N OUT: a synthetic export of N posts, for
// bench/import.sh. Each post: Chinese and English text, five tags of 200,
// two pictures by URL (one shared by ten posts), a link, and (WXR) three
// approved comments, the third a reply to the second, by a blog user.
// Authors writer0..writer2 (the accounts bench/import.sh creates).
import fs from 'node:fs';

const [kind, nArg, out] = process.argv.slice(2);
const n = Number(nArg);
const body = (i) => `<p>第${i}篇文章，中文内容测试。Some English text here.</p>` +
  `<p><img src="https://img.example.com/p/${i}.jpg" alt="pic ${i}"></p>` +
  `<p>More text with a <a href="https://example.org/x?${i}">link</a>.</p>` +
  `<p><img src="https://img.example.com/shared/${Math.floor(i / 10)}.png" alt=""></p>`;
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

if (kind === 'ghost') {
  const tags = Array.from({ length: 200 }, (_, t) => ({ id: `t${t}`, name: `标签${t}`, slug: `tag-${t}` }));
  const users = [0, 1, 2].map((u) => ({ id: `u${u}`, slug: `writer${u}`, name: `Writer ${u}` }));
  const posts = [], pt = [], pa = [];
  for (let i = 0; i < n; i++) {
    const id = `p${String(i).padStart(6, '0')}`;
    posts.push({ id, type: 'post', status: 'published', title: `文章 ${i}`, slug: `post-${i}`, html: body(i),
      created_at: '2024-01-02 03:04:05', updated_at: '2024-01-03 03:04:05', published_at: '2024-01-02 03:04:05' });
    for (let k = 0; k < 5; k++) pt.push({ id: `pt${i}_${k}`, post_id: id, tag_id: `t${(i + k * 7) % 200}`, sort_order: k });
    pa.push({ id: `pa${i}`, post_id: id, author_id: `u${i % 3}`, sort_order: 0 });
  }
  fs.writeFileSync(out, JSON.stringify({ db: [{ meta: { version: '5.80.0' }, data: { posts, tags, users, posts_tags: pt, posts_authors: pa } }] }));
} else if (kind === 'wxr') {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" ' +
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Gen</title><link>https://blog.example.com</link>' +
    '<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://blog.example.com</wp:base_site_url>' +
    '<wp:base_blog_url>https://blog.example.com</wp:base_blog_url>\n'];
  for (let u = 0; u < 3; u++)
    parts.push(`<wp:author><wp:author_id>${u + 1}</wp:author_id><wp:author_login>writer${u}</wp:author_login>` +
      `<wp:author_display_name>Writer ${u}</wp:author_display_name></wp:author>\n`);
  for (let i = 0; i < n; i++) {
    let item = `<item><title>${esc(`文章 ${i}`)}</title><link>https://blog.example.com/${i}/post-${i}/</link>` +
      `<dc:creator>writer${i % 3}</dc:creator><content:encoded><![CDATA[${body(i)}]]></content:encoded>` +
      `<wp:post_id>${i + 10}</wp:post_id><wp:post_date_gmt>2024-01-02 03:04:05</wp:post_date_gmt>` +
      '<wp:comment_status>open</wp:comment_status><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>';
    for (let k = 0; k < 5; k++) {
      const t = (i + k * 7) % 200;
      item += `<category domain="post_tag" nicename="tag-${t}"><![CDATA[标签${t}]]></category>`;
    }
    for (let c = 0; c < 3; c++)
      item += `<wp:comment><wp:comment_id>${i * 3 + c + 1}</wp:comment_id><wp:comment_author>Reader ${c}</wp:comment_author>` +
        `<wp:comment_date_gmt>2024-01-05 01:02:03</wp:comment_date_gmt><wp:comment_content>评论 ${c}</wp:comment_content>` +
        '<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>' +
        `<wp:comment_parent>${c ? i * 3 + c : 0}</wp:comment_parent><wp:comment_user_id>${c === 2 ? 1 : 0}</wp:comment_user_id></wp:comment>`;
    parts.push(item + '</item>\n');
  }
  parts.push('</channel></rss>\n');
  fs.writeFileSync(out, parts.join(''));
} else {
  console.error('usage: import_gen.mjs ghost|wxr N OUT');
  process.exit(2);
}
