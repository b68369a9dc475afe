// Launch the npm `smtp-server` package (nodemailer) as an SMTP server under test, delivering each message
// into a Maildir.
//
//     NODE_PATH=DIR/node_modules node tests/real/smtp_server_node.js --port {port} --maildir {maildir} --domain {domain}
//
// A tiny application of the library, as its README shows one: no AUTH (authOptional), no STARTTLS (no
// certificate to offer), SIZE advertised (10 MB).  Recipients are accepted for any local part at --domain
// and refused (550) elsewhere.  Each message is stored *as received* (the library hands the handler the
// un-stuffed DATA content), one file per message in {maildir}/new, with the envelope in X-Envelope-From /
// X-Envelope-To lines prepended, like tests/real/aiosmtpd_maildir.py.  The library leaves trace fields
// (Received:) to the application, and so does this launcher: that is part of the recorded verdict.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { SMTPServer } = require("smtp-server");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg("port"));
const host = arg("host", "127.0.0.1");
const maildir = arg("maildir");
const domain = (arg("domain", "example.test") || "").toLowerCase();
if (!port || !maildir) {
  process.stderr.write("usage: smtp_server_node.js --port PORT --maildir DIR [--domain DOMAIN]\n");
  process.exit(2);
}
for (const sub of ["tmp", "new", "cur"]) fs.mkdirSync(path.join(maildir, sub), { recursive: true });

let counter = 0;
function deliver(data) {
  const name = `${Date.now()}.${process.pid}_${counter++}.${os.hostname()}`;
  const tmp = path.join(maildir, "tmp", name);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, path.join(maildir, "new", name));
}

const server = new SMTPServer({
  name: "smtp-server.test",
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  size: 10 * 1024 * 1024,
  logger: false,
  onRcptTo(address, session, callback) {
    const at = address.address.lastIndexOf("@");
    const dom = at >= 0 ? address.address.slice(at + 1).toLowerCase() : "";
    // RFC 5321 §4.5.1: <Postmaster> without a domain is always accepted
    if (dom !== domain && address.address.toLowerCase() !== "postmaster") {
      const err = new Error("Relay access denied");
      err.responseCode = 550;
      return callback(err);
    }
    return callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      if (stream.sizeExceeded) {
        const err = new Error("Message exceeds fixed maximum message size");
        err.responseCode = 552;
        return callback(err);
      }
      const env = session.envelope;
      let head = `X-Envelope-From: <${env.mailFrom ? env.mailFrom.address : ""}>\r\n`;
      for (const r of env.rcptTo) head += `X-Envelope-To: <${r.address}>\r\n`;
      try {
        deliver(Buffer.concat([Buffer.from(head), ...chunks]));
      } catch (e) {
        const err = new Error("cannot store the message");
        err.responseCode = 451;
        return callback(err);
      }
      return callback(null, "Message accepted for delivery");
    });
  },
});
server.on("error", (e) => process.stderr.write(`smtp-server error: ${e.message}\n`));
server.listen(port, host);
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
