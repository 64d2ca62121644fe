using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using MySaasChat.Contracts;

namespace MySaasChat.Modules.Notifications.Domain;

/// <summary>An email ready to queue: both parts rendered, user text already escaped in the HTML one.</summary>
public sealed record RenderedEmail(string Template, string ToAddress, string? ToName, string Subject, string Html, string Text);

/// <summary>An event that cannot become an email (no valid address, no token): dead-lettered at once.</summary>
public sealed class UnsendableEmailException(string message) : Exception(message);

/// <summary>
/// The product's emails. Each is a short list of blocks rendered twice, as HTML (every value
/// HTML-encoded) and as plain text, so the two parts never say different things.
/// </summary>
public sealed class EmailTemplates(MailSettings settings)
{
    public const string VerifyEmail = "verify_email";
    public const string ResetPassword = "reset_password";
    public const string NewSignIn = "new_sign_in";
    public const string TwoFactorEnabled = "two_factor_enabled";
    public const string TwoFactorDisabled = "two_factor_disabled";
    public const string AccountDeleted = "account_deleted";
    public const string PaymentReceipt = "payment_receipt";
    public const string PaymentFailed = "payment_failed";
    public const string Quota80 = "quota_80";
    public const string Quota100 = "quota_100";
    public const string Test = "test";

    private string Product => settings.ProductName;
    private string Link(string path) => settings.FrontendUrl + path;
    private string SecurityLink => Link("/settings/security");
    private string BillingLink => Link("/settings/billing");

    public RenderedEmail Render(EmailVerificationRequested e) =>
        new Email(this, VerifyEmail, e.Email, e.Name, $"Verify your email address for {Product}")
            .Greeting()
            .Paragraph($"Welcome to {Product}! Please confirm that this is your email address.")
            .Button("Verify email address", Link("/verify-email?token=" + Uri.EscapeDataString(Token(e.Token))))
            .Paragraph("If you did not create an account, you can ignore this email.")
            .Build();

    public RenderedEmail Render(PasswordResetRequested e) =>
        new Email(this, ResetPassword, e.Email, e.Name, $"Reset your {Product} password")
            .Greeting()
            .Paragraph($"Someone asked to reset the password of your {Product} account. Choose a new password with the link below.")
            .Button("Reset password", Link("/reset-password?token=" + Uri.EscapeDataString(Token(e.Token))))
            .Paragraph("If it was not you, ignore this email: your password stays as it is.")
            .Build();

    public RenderedEmail Render(UserSignedIn e) =>
        new Email(this, NewSignIn, e.Email, null, $"New sign-in to your {Product} account")
            .Greeting()
            .Paragraph($"Your {Product} account was just signed in to from a device we have not seen before.")
            .Details(
                ("Time", e.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
                ("Device", string.IsNullOrWhiteSpace(e.Device) ? "unknown" : e.Device),
                ("IP address", string.IsNullOrWhiteSpace(e.IpAddress) ? "unknown" : e.IpAddress))
            .Paragraph("If this was you, there is nothing to do. If not, change your password and sign out the sessions you do not know.")
            .Button("Review your sessions", SecurityLink)
            .Build();

    public RenderedEmail Render(TwoFactorChanged e) => e.Enabled
        ? new Email(this, TwoFactorEnabled, e.Email, e.Name, $"Two-factor authentication is on for your {Product} account")
            .Greeting()
            .Paragraph("Two-factor authentication was turned on. From now on, signing in asks for a code from your authenticator app.")
            .Paragraph("If you did not do this, secure your account right away.")
            .Button("Security settings", SecurityLink)
            .Build()
        : new Email(this, TwoFactorDisabled, e.Email, e.Name, $"Two-factor authentication was turned off for your {Product} account")
            .Greeting()
            .Paragraph("Two-factor authentication was turned off. Signing in now needs only your password.")
            .Paragraph("If you did not do this, change your password and turn two-factor authentication back on.")
            .Button("Security settings", SecurityLink)
            .Build();

    public RenderedEmail Render(UserDeleted e) =>
        new Email(this, AccountDeleted, e.Email, null, $"Your {Product} account has been deleted")
            .Greeting()
            .Paragraph($"Your {Product} account and its conversations have been deleted, as asked. This email is the last one we send you.")
            .Paragraph("If you did not ask for this, reply to this email.")
            .Build();

    public RenderedEmail Render(PaymentSucceeded e)
    {
        var amount = Money(e.AmountMinor, e.Currency);
        return new Email(this, PaymentReceipt, e.Email, e.Name, $"Your {Product} receipt ({amount})")
            .Greeting()
            .Paragraph($"Thank you! We received your payment of {amount}.")
            .Details(
                ("Invoice", e.InvoiceId),
                ("Description", e.Description),
                ("Amount", amount),
                ("Paid", e.PaidAt.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
            .Button("View receipt", WebLink(e.ReceiptUrl) ?? BillingLink)
            .Build();
    }

    public RenderedEmail Render(PaymentFailed e)
    {
        var amount = Money(e.AmountMinor, e.Currency);
        var email = new Email(this, PaymentFailed, e.Email, e.Name, $"Your {Product} payment of {amount} failed")
            .Greeting()
            .Paragraph($"We could not charge {amount} for {e.Description}.")
            .Details(
                ("Invoice", e.InvoiceId),
                ("Reason", string.IsNullOrWhiteSpace(e.Reason) ? "declined by the bank" : e.Reason));
        if (e.NextAttemptAt is { } next)
        {
            email.Paragraph($"We will try again on {next.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.");
        }
        return email
            .Paragraph("Please update your payment method to keep your plan.")
            .Button("Update payment method", BillingLink)
            .Build();
    }

    public RenderedEmail Render(QuotaThresholdReached e)
    {
        if (e.Percent <= 0 || e.Limit <= 0 || e.Used < 0)
        {
            throw new UnsendableEmailException($"quota event has percent {e.Percent}, limit {e.Limit}, used {e.Used}");
        }
        var unit = string.IsNullOrWhiteSpace(e.Unit) ? "usage" : e.Unit;
        var numbers = string.Create(CultureInfo.InvariantCulture, $"{e.Used:N0} of {e.Limit:N0} {unit}");
        var resets = e.ResetsAt is { } r ? $" It resets on {r.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}." : "";
        return e.Percent >= 100
            ? new Email(this, Quota100, e.Email, e.Name, $"You have used all of your {Product} {unit} quota")
                .Greeting()
                .Paragraph($"You have used {numbers} included in your {e.Plan} plan, so new requests are paused.{resets}")
                .Button("Upgrade your plan", BillingLink)
                .Build()
            : new Email(this, Quota80, e.Email, e.Name, $"You have used {e.Percent}% of your {Product} {unit} quota")
                .Greeting()
                .Paragraph($"You have used {numbers} ({e.Percent}%) included in your {e.Plan} plan.{resets}")
                .Paragraph("When the quota is used up, new requests are paused until it resets or you upgrade.")
                .Button("See plans", BillingLink)
                .Build();
    }

    public RenderedEmail RenderTest(string to) =>
        new Email(this, Test, to, null, $"{Product} test email")
            .Greeting()
            .Paragraph($"This is a test email from {Product}. If you can read it, email sending works.")
            .Button($"Open {Product}", Link("/"))
            .Build();

    private static string Token(string token) =>
        string.IsNullOrWhiteSpace(token) ? throw new UnsendableEmailException("the event carries no token for the link") : token.Trim();

    /// <summary>Only http(s) links from events go into a button; anything else falls back to our own page.</summary>
    private static string? WebLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == "https" || u.Scheme == "http") ? u.AbsoluteUri : null;

    // ISO 4217 currencies without minor units, as Stripe lists them.
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
        { "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF" };

    internal static string Money(long minor, string currency)
    {
        if (string.IsNullOrWhiteSpace(currency) || currency.Trim().Length != 3 || !currency.Trim().All(char.IsAsciiLetter))
        {
            throw new UnsendableEmailException($"'{currency}' is not an ISO 4217 currency code");
        }
        if (minor < 0)
        {
            throw new UnsendableEmailException($"amount {minor} is negative");
        }
        var code = currency.Trim().ToUpperInvariant();
        var value = ZeroDecimal.Contains(code) ? minor : minor / 100m;
        var format = ZeroDecimal.Contains(code) ? "N0" : "N2";
        return $"{value.ToString(format, CultureInfo.InvariantCulture)} {code}";
    }

    /// <summary>Checks the address before anything is queued: a bad one would only bounce later.</summary>
    internal static string Address(string? address)
    {
        var a = address?.Trim();
        if (string.IsNullOrEmpty(a) || a.Length > 320 || !MailboxAddress.TryParse(a, out var mailbox)
            || !string.Equals(mailbox.Address, a, StringComparison.OrdinalIgnoreCase) || !a.Contains('@') || a.EndsWith('@') || a.StartsWith('@'))
        {
            throw new UnsendableEmailException($"'{address}' is not an email address");
        }
        return a;
    }

    private sealed class Email(EmailTemplates templates, string template, string to, string? name, string subject)
    {
        private readonly StringBuilder _html = new();
        private readonly StringBuilder _text = new();
        private readonly string _to = Address(to);
        private readonly string? _name = string.IsNullOrWhiteSpace(name) ? null : OneLine(name, 200);

        private static string H(string s) => WebUtility.HtmlEncode(s);

        /// <summary>User text must not break the layout or a header: one line, bounded length.</summary>
        private static string OneLine(string s, int max)
        {
            var line = string.Join(' ', s.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
            return line.Length > max ? line[..max] + "…" : line;
        }

        public Email Greeting()
        {
            var greeting = _name is null ? "Hello," : $"Hi {_name},";
            _html.Append("<p style=\"margin:0 0 16px\">").Append(H(greeting)).Append("</p>\n");
            _text.Append(greeting).Append("\n\n");
            return this;
        }

        public Email Paragraph(string text)
        {
            _html.Append("<p style=\"margin:0 0 16px\">").Append(H(text)).Append("</p>\n");
            _text.Append(text).Append("\n\n");
            return this;
        }

        public Email Button(string label, string url)
        {
            _html.Append("<p style=\"margin:24px 0\"><a href=\"").Append(H(url))
                .Append("\" style=\"background:#2563eb;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block\">")
                .Append(H(label)).Append("</a></p>\n")
                .Append("<p style=\"margin:0 0 16px;font-size:13px;color:#555555\">Or open this link: <a href=\"").Append(H(url)).Append("\">")
                .Append(H(url)).Append("</a></p>\n");
            _text.Append(label).Append(":\n").Append(url).Append("\n\n");
            return this;
        }

        public Email Details(params (string Label, string Value)[] rows)
        {
            _html.Append("<table style=\"margin:0 0 16px;border-collapse:collapse\">\n");
            foreach (var (label, value) in rows)
            {
                var v = OneLine(value, 300);
                _html.Append("<tr><td style=\"padding:4px 16px 4px 0;color:#555555\">").Append(H(label))
                    .Append("</td><td style=\"padding:4px 0\">").Append(H(v)).Append("</td></tr>\n");
                _text.Append(label).Append(": ").Append(v).Append('\n');
            }
            _html.Append("</table>\n");
            _text.Append('\n');
            return this;
        }

        public RenderedEmail Build()
        {
            var product = templates.Product;
            var html = $"""
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{H(subject)}</title></head>
                <body style="margin:0;padding:0;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#18181b;line-height:1.5">
                <div style="max-width:560px;margin:0 auto;padding:32px 24px;background:#ffffff">
                <h1 style="margin:0 0 24px;font-size:20px">{H(product)}</h1>
                {_html}<p style="margin:32px 0 0;font-size:12px;color:#71717a">{H(product)} · <a href="{H(templates.Link("/"))}">{H(templates.Link("/"))}</a></p>
                </div>
                </body>
                </html>
                """;
            var text = $"{product}\n\n{_text}-- \n{product} · {templates.Link("/")}\n";
            return new RenderedEmail(template, _to, _name, OneLine(subject, 480), html, text);
        }
    }
}
