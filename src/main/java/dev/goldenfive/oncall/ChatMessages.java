package dev.goldenfive.oncall;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.web.Hmac;

/**
 * Paging messages in the formats chat services take from incoming webhooks, signed as each documents, and how
 * each says a message was taken. Every format carries the incident, its stage and time left, the diagnosis and
 * the acknowledge link.
 */
final class ChatMessages {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A request to send: where, and the JSON body. */
    record Outgoing(URI uri, String body) {
    }

    private ChatMessages() {
    }

    static Outgoing of(NotificationRules.Kind kind, String url, String secret, PageMessage m, Instant now) {
        return switch (kind) {
            case SLACK -> new Outgoing(URI.create(url), json(slack(m)));
            case TEAMS -> new Outgoing(URI.create(url), json(teams(m)));
            case MATTERMOST -> new Outgoing(URI.create(url), json(mattermost(m)));
            case DINGTALK -> new Outgoing(dingTalkUrl(url, secret, now), json(dingTalk(m)));
            case FEISHU -> new Outgoing(URI.create(url), json(feishu(m, secret, now)));
            case WECOM -> new Outgoing(URI.create(url), json(weCom(m)));
            case EMAIL -> throw new IllegalArgumentException("mail is not a chat message");
        };
    }

    /**
     * Whether the service took the message: a 2xx answer, and for the services that answer 200 to refusals too,
     * their code of success (DingTalk and WeCom {@code errcode: 0}, Feishu {@code code: 0}). Null when taken, else why not.
     */
    static String refusal(NotificationRules.Kind kind, int status, String body) {
        if (status / 100 != 2) {
            return "answered " + status + (status / 100 == 3 ? "; redirects are not followed" : "") + excerpt(body);
        }
        String field = switch (kind) {
            case DINGTALK, WECOM -> "errcode";
            case FEISHU -> "code";
            default -> null;
        };
        if (field == null) {
            return null;
        }
        try {
            JsonNode answer = JSON.readTree(body);
            JsonNode code = answer.has(field) ? answer.get(field) : answer.get("StatusCode");
            return code != null && code.asInt(-1) == 0 ? null : "answered " + status + " refusing it" + excerpt(body);
        }
        catch (RuntimeException notJson) {
            return "answered " + status + " with something that is not its JSON" + excerpt(body);
        }
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return ": " + (flat.length() > 200 ? flat.substring(0, 200) + "…" : flat);
    }

    // Slack incoming webhook with Block Kit (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks,
    // docs.slack.dev/reference/block-kit/blocks): "text" is the notification's fallback; a header (plain text,
    // at most 150 characters), a section of mrkdwn fields, and link buttons.
    static Map<String, Object> slack(PageMessage m) {
        List<Object> fields = new ArrayList<>();
        m.facts().forEach((name, value) -> fields.add(Map.of("type", "mrkdwn", "text", "*" + name + "*\n" + slackEscape(value))));
        return object("text", m.headline() + " — " + m.why(),
                "blocks", List.of(
                        object("type", "header", "text", object("type", "plain_text", "text", clip(m.headline(), 150))),
                        object("type", "section", "text", object("type", "mrkdwn", "text", slackEscape(m.why())), "fields", fields),
                        object("type", "actions", "elements", links(m, (title, url) -> title.equals(ACKNOWLEDGE)
                                ? object("type", "button", "action_id", "acknowledge", "style", "primary",
                                        "text", object("type", "plain_text", "text", title), "url", url)
                                : object("type", "button", "action_id", "open", "text", object("type", "plain_text", "text", title), "url", url)))));
    }

    // Microsoft Teams through a Workflows "post to a channel when a webhook request is received" webhook: a message
    // whose one attachment is an Adaptive Card (learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/
    // how-to/connectors-using, adaptivecards.io/explorer): TextBlocks, a FactSet, Action.OpenUrl buttons; version 1.4.
    static Map<String, Object> teams(PageMessage m) {
        List<Object> facts = new ArrayList<>();
        m.facts().forEach((name, value) -> facts.add(object("title", name, "value", value)));
        Map<String, Object> card = object(
                "$schema", "http://adaptivecards.io/schemas/adaptive-card.json", "type", "AdaptiveCard", "version", "1.4",
                "body", List.of(
                        object("type", "TextBlock", "text", m.headline(), "weight", "Bolder", "size", "Medium", "wrap", true),
                        object("type", "TextBlock", "text", m.why(), "wrap", true),
                        object("type", "FactSet", "facts", facts)),
                "actions", links(m, (title, url) -> object("type", "Action.OpenUrl", "title", title, "url", url)));
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        return object("type", "message", "attachments", List.of(attachment));
    }

    // Mattermost and Rocket.Chat incoming webhooks, Slack-compatible (developers.mattermost.com/integrate/webhooks/
    // incoming, docs.mattermost.com message attachments; Rocket.Chat takes the same "text" and "attachments"):
    // Markdown text, and an attachment with a title link and short fields.
    static Map<String, Object> mattermost(PageMessage m) {
        List<Object> fields = new ArrayList<>();
        m.facts().forEach((name, value) -> fields.add(object("short", !"Diagnosis".equals(name), "title", name, "value", value)));
        return object("username", "goldenfive",
                "text", "#### " + m.headline() + "\n" + m.why() + " · " + markdownLinks(m),
                "attachments", List.of(object("fallback", m.headline() + " — " + m.why(), "color", "#d93025",
                        "title", m.headline(), "title_link", m.incidentUrl(), "text", markdownLinks(m),
                        "fields", fields)));
    }

    // DingTalk custom robot (open.dingtalk.com/document/orgapp/custom-robots-send-group-messages): an actionCard with
    // Markdown text and buttons; a robot with 加签 wants &timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256 of
    // "<timestamp>\n<secret>" keyed with the secret>, the timestamp within an hour of DingTalk's clock.
    static Map<String, Object> dingTalk(PageMessage m) {
        return object("msgtype", "actionCard", "actionCard", object("title", m.headline(),
                "text", "### " + m.headline() + "\n\n" + m.why() + "\n\n" + markdownFacts(m),
                "btnOrientation", "1",
                "btns", links(m, (title, url) -> object("title", title, "actionURL", url))));
    }

    static URI dingTalkUrl(String url, String secret, Instant now) {
        if (secret == null) {
            return URI.create(url);
        }
        long timestamp = now.toEpochMilli();
        return URI.create(url + (url.contains("?") ? "&" : "?") + "timestamp=" + timestamp + "&sign="
                + URLEncoder.encode(dingTalkSign(timestamp, secret), StandardCharsets.UTF_8));
    }

    static String dingTalkSign(long timestampMillis, String secret) {
        return Base64.getEncoder().encodeToString(Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8),
                (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    // Feishu / Lark custom bot (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot): an interactive card with a
    // header, lark_md text and link buttons; with signature verification on, "timestamp" (seconds, as a string) and
    // "sign" in the body: base64 of HMAC-SHA256 keyed with "<timestamp>\n<secret>" over an empty message.
    static Map<String, Object> feishu(PageMessage m, String secret, Instant now) {
        Map<String, Object> card = object(
                "config", object("wide_screen_mode", true),
                "header", object("template", "red", "title", object("tag", "plain_text", "content", m.headline())),
                "elements", List.of(
                        object("tag", "div", "text", object("tag", "lark_md", "content", m.why() + "\n" + markdownFacts(m))),
                        object("tag", "action", "actions", links(m, (title, url) -> object("tag", "button",
                                "type", title.equals(ACKNOWLEDGE) ? "primary" : "default",
                                "text", object("tag", "plain_text", "content", title), "url", url)))));
        Map<String, Object> body = new LinkedHashMap<>();
        if (secret != null) {
            long timestamp = now.getEpochSecond();
            body.put("timestamp", Long.toString(timestamp));
            body.put("sign", feishuSign(timestamp, secret));
        }
        body.put("msg_type", "interactive");
        body.put("card", card);
        return body;
    }

    static String feishuSign(long timestampSeconds, String secret) {
        return Base64.getEncoder().encodeToString(Hmac.sha256((timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
    }

    // WeCom (企业微信) group robot (developer.work.weixin.qq.com/document/path/91770): markdown content of at most
    // 4,096 bytes; the robot's key is in its URL, and it signs nothing.
    static Map<String, Object> weCom(PageMessage m) {
        String content = "### " + m.headline() + "\n" + m.why() + "\n" + markdownFacts(m) + "\n" + markdownLinks(m);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 4096) {
            content = new String(bytes, 0, 3600, StandardCharsets.UTF_8).replace("\uFFFD", "") + "…\n" + markdownLinks(m);
        }
        return object("msgtype", "markdown", "markdown", object("content", content));
    }

    static final String ACKNOWLEDGE = "Acknowledge";

    /** The message's buttons, each as {@code button} makes it: Acknowledge (a page only), then Open the incident. */
    private static List<Object> links(PageMessage m, java.util.function.BiFunction<String, String, Object> button) {
        List<Object> links = new ArrayList<>();
        if (m.ackUrl() != null) {
            links.add(button.apply(ACKNOWLEDGE, m.ackUrl()));
        }
        links.add(button.apply("Open the incident", m.incidentUrl()));
        return links;
    }

    private static String markdownLinks(PageMessage m) {
        return (m.ackUrl() == null ? "" : "[Acknowledge](" + m.ackUrl() + ") · ") + "[Open the incident](" + m.incidentUrl() + ")";
    }

    private static String markdownFacts(PageMessage m) {
        StringBuilder text = new StringBuilder();
        m.facts().forEach((name, value) -> text.append("**").append(name).append("**: ").append(value).append("\n\n"));
        return text.toString().strip();
    }

    private static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }


    private static String json(Map<String, Object> body) {
        return JSON.writeValueAsString(body);
    }

    /** A JSON object with its names in the order written. */
    private static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }
}
