/**
 * What Twilio sends to WhatsApp as media: images (JPEG, PNG), audio (OGG, AMR, 3GPP, AAC, MPEG), video (MP4)
 * and documents (PDF, Word, Excel, PowerPoint), up to 16 MB; one file per message.
 */
export const whatsappMediaTypes = [
  "image/jpeg",
  "image/jpg",
  "image/png",
  "audio/ogg",
  "audio/amr",
  "audio/3gpp",
  "audio/aac",
  "audio/mpeg",
  "video/mp4",
  "application/pdf",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

export const maxWhatsAppBytes = 16 * 1024 * 1024;
