// SMS addresses are phone numbers in E.164, read and shown as every Twilio channel does.
export { formatPhoneNumber, parsePhoneNumber } from "../twilio/phone.js";
